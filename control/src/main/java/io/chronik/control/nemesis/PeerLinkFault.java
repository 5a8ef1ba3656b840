package io.chronik.control.nemesis;

import java.util.Set;

/**
 * Slow peer links through a delay proxy (this kernel has no netem): {@code latency} delays every
 * chunk on every peer (Raft) link by a fixed time each way; {@code slow-close} holds a link open
 * for seconds after its other end closed it (Toxiproxy's slow_close), so a node learns late that a
 * peer went away. Clients' links are untouched. Lab hosts only: the proxy runs on the control node
 * and the hosts' iptables send their peer connections to it.
 */
public final class PeerLinkFault implements Fault {
  private final String name;
  private final long delayMillis;
  private final long closeDelayMillis;

  private PeerLinkFault(String name, long delayMillis, long closeDelayMillis) {
    this.name = name;
    this.delayMillis = delayMillis;
    this.closeDelayMillis = closeDelayMillis;
  }

  /** Every peer link delayed {@code millis} each way. */
  public static PeerLinkFault latency(long millis) {
    return new PeerLinkFault("latency", millis, 0);
  }

  /** Every peer link closed {@code millis} after its other end closed it. */
  public static PeerLinkFault slowClose(long millis) {
    return new PeerLinkFault("slow-close", 0, millis);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String help() {
    return delayMillis > 0
        ? "every peer (Raft) link delayed " + delayMillis + " ms each way through a proxy on the control node"
        : "every peer (Raft) link held open " + closeDelayMillis / 1000.0 + " s after its other end closed it";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public String chronikOnlyBecause() {
    return "proxies-chronik-raft-port-9192";
  }

  @Override
  public int minNodes() {
    return 2;
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(draw.nodes());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    return bed.delayPeerLinks(injection.targets(), delayMillis, closeDelayMillis);
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.healNetwork();
    return "direct-links=" + injection.targets();
  }
}
