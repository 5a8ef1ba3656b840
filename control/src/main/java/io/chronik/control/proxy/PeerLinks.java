package io.chronik.control.proxy;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Host;
import io.chronik.control.ssh.SshHosts;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Peer links of hosts through {@link DelayProxy}s on the control node: one proxy per node,
 * listening on the address the hosts reach the control node at and forwarding to that node's peer
 * port; on every other node a DNAT rule in nat OUTPUT (chain {@value #NAT_CHAIN}) sends its new
 * connections to that peer port to the proxy instead, and a REJECT with tcp-reset in filter OUTPUT
 * (chain {@value #RESET_CHAIN}; it sees the destination after DNAT, so only connections made before
 * the rule match) resets the links already open, so the peers reconnect through the proxy. Heal
 * removes both chains and closes the proxies, which drops the proxied links: the peers reconnect
 * directly; it touches the hosts only after a delay was put in place. Proxy and targets pass the address guard (lab: only the lab's own subnet).
 */
public final class PeerLinks {
  public static final String NAT_CHAIN = "CHRONIK-DELAY";
  public static final String RESET_CHAIN = "CHRONIK-DELAY-RESET";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final SshHosts ssh;
  private final AddressGuard guard;
  private final List<DelayProxy> proxies = new ArrayList<>();
  private boolean routed;

  public PeerLinks(SshHosts ssh, AddressGuard guard) {
    this.ssh = ssh;
    this.guard = guard;
  }

  /**
   * Routes the peer links between {@code nodes} (connections to {@code peerPort}) through proxies
   * listening on {@code control} that delay each direction by {@code delayMillis} and hold a closed
   * peer's connection open {@code closeDelayMillis} more. Replaces any earlier delay.
   */
  public synchronized String delay(List<Host> nodes, int peerPort, Inet4Address control, long delayMillis,
      long closeDelayMillis) {
    heal(nodes);
    guard.check(control.getHostAddress());
    routed = true; // from here on a heal removes whatever part of the routing was put in place
    List<String> routes = new ArrayList<>();
    try {
      List<InetSocketAddress> via = new ArrayList<>();
      for (Host target : nodes) {
        guard.check(target.address().getHostAddress());
        DelayProxy proxy = DelayProxy.start(new InetSocketAddress(control, 0),
            new InetSocketAddress(target.address(), peerPort), delayMillis, closeDelayMillis);
        proxies.add(proxy);
        via.add(proxy.address());
        routes.add(target.name() + "<-" + control.getHostAddress() + ":" + proxy.address().getPort());
      }
      for (Host from : nodes) {
        ssh.run(from, rules(from, nodes, via, peerPort), TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("reason=interrupted-starting-proxies", e);
    }
    return "delay-ms=" + delayMillis + " close-delay-ms=" + closeDelayMillis + " links=" + routes;
  }

  private static String rules(Host from, List<Host> nodes, List<InetSocketAddress> via, int peerPort) {
    StringBuilder cmd = new StringBuilder(
        "iptables -w -t nat -N " + NAT_CHAIN + " && iptables -w -t nat -A OUTPUT -j " + NAT_CHAIN
            + " && iptables -w -N " + RESET_CHAIN + " && iptables -w -A OUTPUT -j " + RESET_CHAIN);
    for (int i = 0; i < nodes.size(); i++) {
      Host to = nodes.get(i);
      if (to == from) {
        continue;
      }
      String dst = " -p tcp -d " + to.address().getHostAddress() + " --dport " + peerPort;
      cmd.append(" && iptables -w -t nat -A ").append(NAT_CHAIN).append(dst).append(" -j DNAT --to-destination ")
          .append(via.get(i).getAddress().getHostAddress()).append(':').append(via.get(i).getPort());
      cmd.append(" && iptables -w -A ").append(RESET_CHAIN).append(dst).append(" -j REJECT --reject-with tcp-reset");
    }
    return cmd.toString();
  }

  /** Removes the chains from every node (safe when there are none) and closes every proxy. */
  public synchronized void heal(List<Host> nodes) {
    if (!routed) {
      return; // never delayed: nothing to remove, and hosts that never used NAT keep their tables untouched
    }
    String cmd = "iptables -w -t nat -D OUTPUT -j " + NAT_CHAIN + " 2>/dev/null; iptables -w -t nat -F " + NAT_CHAIN
        + " 2>/dev/null; iptables -w -t nat -X " + NAT_CHAIN + " 2>/dev/null; iptables -w -D OUTPUT -j " + RESET_CHAIN
        + " 2>/dev/null; iptables -w -F " + RESET_CHAIN + " 2>/dev/null; iptables -w -X " + RESET_CHAIN
        + " 2>/dev/null; true";
    for (Host h : nodes) {
      ssh.run(h, cmd, TIMEOUT);
    }
    proxies.forEach(DelayProxy::close);
    proxies.clear();
    routed = false;
  }
}
