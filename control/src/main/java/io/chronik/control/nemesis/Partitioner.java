package io.chronik.control.nemesis;

import io.chronik.control.host.Host;
import io.chronik.control.ssh.SshHosts;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a {@link Grudge} with iptables on every node: rules live only in our own chain
 * {@value #CHAIN}, jumped to from INPUT, so heal removes exactly our rules and nothing the host had.
 * Inbound drops suffice because grudges are symmetric.
 */
public final class Partitioner {
  public static final String CHAIN = "CHRONIK-NEMESIS";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final SshHosts ssh;
  private final List<Host> hosts;

  public Partitioner(SshHosts ssh, List<Host> hosts) {
    this.ssh = ssh;
    this.hosts = List.copyOf(hosts);
  }

  public void partition(Grudge grudge) {
    Map<String, Host> byName = hosts.stream().collect(Collectors.toMap(Host::name, Function.identity()));
    for (Host host : hosts) {
      StringBuilder cmd = new StringBuilder(resetChain());
      for (String peer : grudge.dropsFrom(host.name())) {
        Host other = byName.get(peer);
        if (other == null) {
          throw new IllegalArgumentException("node=" + peer + " reason=not-in-cluster");
        }
        cmd.append(" && iptables -w -A ").append(CHAIN).append(" -s ")
            .append(other.address().getHostAddress()).append(" -j DROP");
      }
      ssh.run(host, host.privileged(cmd.toString()), TIMEOUT);
    }
  }

  /**
   * Drops TCP packets to {@code port} from {@code source} on {@code host} only: a cut between the
   * clients (who come from {@code source}) and one node that leaves its peers and SSH untouched.
   */
  public void dropClients(Host host, Inet4Address source, int port) {
    String cmd = resetChain() + " && iptables -w -A " + CHAIN + " -s " + source.getHostAddress() + " -p tcp --dport "
        + port + " -j DROP";
    ssh.run(host, host.privileged(cmd), TIMEOUT);
  }

  /**
   * Drops each packet arriving at {@code host} with {@code probability} (iptables {@code statistic}
   * match, random mode), except those to its SSH port: the control node keeps its channel.
   */
  public void dropRandomly(Host host, double probability) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException("probability=" + probability + " reason=expected-between-0-and-1");
    }
    String cmd = resetChain() + " && iptables -w -A " + CHAIN + " -p tcp --dport " + host.sshPort() + " -j RETURN"
        + " && iptables -w -A " + CHAIN + " -m statistic --mode random --probability "
        + String.format(java.util.Locale.ROOT, "%.4f", probability) + " -j DROP";
    ssh.run(host, host.privileged(cmd), TIMEOUT);
  }

  /** Removes our jump and chain on every node; a no-op where they are already gone. */
  public void heal() {
    String cmd = "while iptables -w -D INPUT -j " + CHAIN + " 2>/dev/null; do :; done; "
        + "if iptables -w -n -L " + CHAIN + " >/dev/null 2>&1; then iptables -w -F " + CHAIN
        + " && iptables -w -X " + CHAIN + "; fi";
    for (Host host : hosts) {
      ssh.run(host, host.privileged(cmd), TIMEOUT);
    }
  }

  /** Creates (or empties) our chain and makes sure INPUT jumps to it exactly once, first. */
  private static String resetChain() {
    return "(iptables -w -N " + CHAIN + " 2>/dev/null || iptables -w -F " + CHAIN + ")"
        + " && (iptables -w -C INPUT -j " + CHAIN + " 2>/dev/null || iptables -w -I INPUT 1 -j " + CHAIN + ")";
  }
}
