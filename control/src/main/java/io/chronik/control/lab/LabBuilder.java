package io.chronik.control.lab;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.host.TcpProbe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Creates the lab's kernel objects, keys and sshds, journaling each before creating it. */
final class LabBuilder {
  private static final Duration SSHD_START = Duration.ofSeconds(15);

  private final Lab lab;
  private final LabJournal journal;
  private final Cidr subnet;
  private final Path keys;

  LabBuilder(Lab lab, LabJournal journal, Cidr subnet) {
    this.lab = lab;
    this.journal = journal;
    this.subnet = subnet;
    this.keys = lab.dir().resolve("keys");
  }

  Inventory build(int nodes) throws IOException {
    Files.createDirectories(keys);
    keygen(keys.resolve("client_ed25519"), "chronik-lab-client");
    Files.copy(keys.resolve("client_ed25519.pub"), keys.resolve("authorized_keys"));
    // sshd's privilege-separation directory, shared by every sshd on the machine: created when missing and
    // never journaled, so taking one lab down cannot pull it from under another lab's sshds
    Files.createDirectories(Path.of(Lab.PRIVSEP_DIR));
    String bridge = lab.bridge();
    journal.record("bridge", bridge);
    ip("link", "add", bridge, "type", "bridge");
    ip("addr", "add", subnet.host(1).getHostAddress() + "/" + subnet.prefixLength(), "dev", bridge);
    ip("link", "set", bridge, "up");
    allowBridgedTrafficIfFiltered(bridge);

    List<Host> hosts = new ArrayList<>();
    StringBuilder knownHosts = new StringBuilder();
    for (int node = 1; node <= nodes; node++) {
      Host host = lab.hostFor(node, subnet);
      hosts.add(host);
      knownHosts.append(host.address().getHostAddress()).append(' ')
          .append(Files.readString(startNode(node, host).resolve("ssh_host_ed25519_key.pub")).strip()).append('\n');
    }
    Lab.write(keys.resolve("known_hosts"), knownHosts.toString());
    Inventory inventory = new Inventory(hosts, List.of(subnet));
    Lab.write(lab.inventoryFile(), inventory.render());
    awaitSsh(inventory);
    return inventory;
  }

  /** Namespace, veth into the bridge, address, host key and sshd; returns the node's directory. */
  private Path startNode(int node, Host host) throws IOException {
    String ns = lab.netns(node);
    String veth = ns.replace("-n", "-v");
    journal.record("netns", ns);
    ip("netns", "add", ns);
    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
    journal.record("veth", veth);
    ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("link", "set", veth, "master", lab.bridge(), "up");
    ip("netns", "exec", ns, "ip", "addr", "add", host.address().getHostAddress() + "/" + subnet.prefixLength(), "dev", "eth0");
    ip("netns", "exec", ns, "ip", "link", "set", "eth0", "up");

    Path nodeDir = lab.dir().resolve("nodes").resolve(host.name());
    Files.createDirectories(Path.of(host.homeDir()));
    keygen(nodeDir.resolve("ssh_host_ed25519_key"), "chronik-lab-" + host.name());
    Path config = nodeDir.resolve("sshd_config");
    Lab.write(config, String.join("\n",
        "# chronik lab sshd for " + host.name() + " (netns " + ns + "); generated, removed by chronik lab down",
        "ListenAddress " + host.address().getHostAddress(),
        "Port " + host.sshPort(),
        "HostKey " + nodeDir.resolve("ssh_host_ed25519_key"),
        "PidFile " + nodeDir.resolve("sshd.pid"),
        "AuthorizedKeysFile " + keys.resolve("authorized_keys"),
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "MaxStartups 64",
        "MaxSessions 64",
        "PrintMotd no",
        // Debian's bash sources ~/.bashrc for every ssh command while SHLVL < 2; a heavy .bashrc (pyenv
        // init: 2 s under load) would then delay every nemesis step. SHLVL=1 skips it for lab sessions only.
        "SetEnv SHLVL=1",
        "Subsystem sftp internal-sftp",
        ""));
    Path pidFile = nodeDir.resolve("sshd.pid");
    journal.record("sshd", pidFile.toString(), config.toString());
    LocalCommand.run("ip", "netns", "exec", ns, Lab.SSHD, "-f", config.toString(),
        "-E", nodeDir.resolve("sshd.log").toString()).orThrow();
    return nodeDir;
  }

  /**
   * With br_netfilter loaded, frames crossing the bridge traverse the host's FORWARD chain; a DROP
   * policy there (e.g. Docker's) would silently cut the lab apart. One chain of our own accepts
   * bridge-to-bridge traffic, so nemesis rules inside the namespaces are the only filters that matter.
   */
  private void allowBridgedTrafficIfFiltered(String bridge) throws IOException {
    Path knob = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    if (!Files.exists(knob) || !Files.readString(knob, StandardCharsets.UTF_8).strip().equals("1")) {
      return;
    }
    String chain = bridge.toUpperCase(java.util.Locale.ROOT).replace("-BR", "-LAB");
    journal.record("host-chain", chain, bridge);
    LocalCommand.run("iptables", "-w", "-N", chain).orThrow();
    LocalCommand.run("iptables", "-w", "-A", chain, "-i", bridge, "-o", bridge, "-j", "ACCEPT").orThrow();
    LocalCommand.run("iptables", "-w", "-I", "FORWARD", "1", "-j", chain).orThrow();
  }

  private void awaitSsh(Inventory inventory) {
    AddressGuard guard = new AddressGuard(inventory, false);
    long deadline = System.nanoTime() + SSHD_START.toNanos();
    for (Host host : inventory.hosts()) {
      InetSocketAddress target = new InetSocketAddress(host.address(), host.sshPort());
      while (!TcpProbe.accepts(guard, target, Duration.ofMillis(500))) {
        if (System.nanoTime() > deadline) {
          throw new LabException("host=" + host.name() + " address=" + host.address().getHostAddress()
              + " reason=sshd-not-listening timeout-ms=" + SSHD_START.toMillis());
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LabException("reason=interrupted");
        }
      }
    }
  }

  private static void keygen(Path key, String comment) throws IOException {
    Files.createDirectories(key.getParent());
    LocalCommand.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key.toString()).orThrow();
  }

  private static void ip(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "ip";
    System.arraycopy(args, 0, argv, 1, args.length);
    LocalCommand.run(argv).orThrow();
  }
}
