package io.chronik.control.lab;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.host.RoutedNetworks;
import io.chronik.control.host.ServiceManager;
import io.chronik.control.host.TcpProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A local cluster of test hosts: each a network namespace on a bridge the lab creates, running its own
 * sshd with lab-generated keys, so the control node drives it exactly as it drives real VMs (SSH, SFTP,
 * iptables per host). Namespaces share the filesystem; each node gets its own home directory.
 *
 * <p>Layout under {@code dir}: {@code created.journal} (see {@link LabJournal}), {@code inventory},
 * {@code keys/} (client key, authorized_keys, known_hosts) and {@code nodes/nI/} (host key,
 * sshd_config, sshd.pid, sshd.log, home/). Nothing outside {@code dir} is touched except the kernel
 * objects (namespaces, bridge, veths, one host iptables chain) and, if missing, sshd's privilege
 * separation directory — each recorded in the journal before it is created.
 */
public final class Lab {
  public static final Path DEFAULT_DIR = Path.of("/var/tmp/chronik-lab");
  public static final Cidr DEFAULT_SUBNET = Cidr.parse("198.18.100.0/24");
  public static final String SSHD = "/usr/sbin/sshd";
  static final String PRIVSEP_DIR = "/run/sshd";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final int FIRST_NODE_OFFSET = 10;

  private final Path dir;
  private final String name;

  public Lab(Path dir, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new LabException("lab-name=" + name + " reason=expected-1-to-8-lowercase-alphanumerics");
    }
    this.dir = dir.toAbsolutePath();
    this.name = name;
  }

  public Path dir() {
    return dir;
  }

  public Path inventoryFile() {
    return dir.resolve("inventory");
  }

  public boolean isUp() {
    return new LabJournal(dir).exists();
  }

  public Inventory inventory() {
    try {
      return Inventory.read(inventoryFile());
    } catch (IOException e) {
      throw new LabException("lab=" + dir + " reason=no-inventory (is the lab up?)");
    }
  }

  String netns(int node) {
    return name + "-n" + node;
  }

  String bridge() {
    return name + "-br";
  }

  /** Creates {@code nodes} hosts on {@code subnet}; on failure, undoes what it created and rethrows. */
  public Inventory up(int nodes, Cidr subnet) {
    if (nodes < 1 || nodes > 32) {
      throw new LabException("nodes=" + nodes + " reason=expected-1-to-32");
    }
    if ((1L << (32 - subnet.prefixLength())) < FIRST_NODE_OFFSET + nodes + 2) {
      throw new LabException("subnet=" + subnet + " nodes=" + nodes + " reason=subnet-too-small");
    }
    LabPreflight.requireRootAndTools();
    if (isUp()) {
      throw new LabException("lab=" + dir + " reason=already-up (run chronik lab down first)");
    }
    List<Cidr> inUse = new ArrayList<>(RoutedNetworks.parseRoutes(
        LocalCommand.run("ip", "-4", "route", "show", "table", "all").orThrow().stdout()));
    inUse.addAll(RoutedNetworks.parseAddresses(LocalCommand.run("ip", "-4", "-o", "addr", "show").orThrow().stdout()));
    Optional<Cidr> clash = RoutedNetworks.firstOverlap(subnet, inUse);
    if (clash.isPresent()) {
      throw new LabException("subnet=" + subnet + " overlaps=" + clash.get() + " reason=subnet-already-routed");
    }
    try {
      Files.createDirectories(dir);
      LabJournal journal = new LabJournal(dir);
      journal.record("dir", dir.toString());
      return new LabBuilder(this, journal, subnet).build(nodes);
    } catch (IOException | RuntimeException e) {
      try {
        down();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("lab=" + dir + " reason=up-failed", io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Removes exactly what the journal says {@code up} created, newest first. Safe to run twice. */
  public List<String> down() {
    return new LabTeardown(dir).run();
  }

  Host hostFor(int node, Cidr subnet) {
    Path nodeDir = dir.resolve("nodes").resolve("n" + node);
    return new Host("n" + node, subnet.host(FIRST_NODE_OFFSET + node), "root", 22,
        Optional.of(dir.resolve("keys/client_ed25519")), Optional.of(dir.resolve("keys/known_hosts")),
        false, ServiceManager.PIDFILE, nodeDir.resolve("home").toString(), Optional.of(netns(node)));
  }

  /** One line per node: name, address, namespace, sshd state, SSH port reachability. */
  public List<String> status() {
    if (!isUp()) {
      return List.of("lab=" + dir + " state=down");
    }
    Inventory inventory = inventory();
    AddressGuard guard = new AddressGuard(inventory, false);
    List<String> lines = new ArrayList<>();
    lines.add("lab=" + dir + " state=up subnet=" + inventory.subnets().get(0) + " nodes=" + inventory.hosts().size());
    for (Host host : inventory.hosts()) {
      Path pidFile = Path.of(host.homeDir()).getParent().resolve("sshd.pid");
      String sshd = LabTeardown.livePid(pidFile, "sshd_config").map(pid -> "running pid=" + pid).orElse("not-running");
      boolean ssh = TcpProbe.accepts(guard, new InetSocketAddress(host.address(), host.sshPort()), Duration.ofSeconds(1));
      lines.add(host.name() + " address=" + host.address().getHostAddress() + " netns=" + host.netns().orElse("-")
          + " sshd=" + sshd + " ssh-port=" + (ssh ? "open" : "closed"));
    }
    return lines;
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("file=" + file + " reason=write-failed", e);
    }
  }
}
