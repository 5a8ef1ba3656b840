package io.chronik.control.nemesis;

import java.util.Set;

/**
 * A slow network: every node sends at most a fixed rate (tc tbf on the interface towards its peers
 * and clients). Replication and responses queue behind each other; nothing is cut off.
 */
public final class BandwidthFault implements Fault {
  private final int kbit;

  /** {@code kbit}: each node's sending rate, kbit/s. */
  public BandwidthFault(int kbit) {
    this.kbit = kbit;
  }

  @Override
  public String name() {
    return "bandwidth";
  }

  @Override
  public String help() {
    return "every node sends at most " + kbit + " kbit/s (tc tbf)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB, Site.VMS);
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
    bed.limitBandwidth(injection.targets(), kbit);
    return "rate-kbit=" + kbit + " nodes=" + injection.targets();
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.healNetwork();
    return "rate=unlimited nodes=" + injection.targets();
  }
}
