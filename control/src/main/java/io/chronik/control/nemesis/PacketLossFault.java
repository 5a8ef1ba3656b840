package io.chronik.control.nemesis;

import java.util.Locale;
import java.util.Set;

/**
 * Lossy links: every node drops a fixed share of the packets it receives (iptables statistic match,
 * random mode), on peer and client links alike; the control node's SSH is spared. TCP retransmits,
 * so this slows Raft and the clients down and times requests out rather than cutting anyone off.
 */
public final class PacketLossFault implements Fault {
  private final double probability;

  /** {@code probability}: share of inbound packets dropped, in (0, 1). */
  public PacketLossFault(double probability) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException("probability=" + probability + " reason=expected-between-0-and-1");
    }
    this.probability = probability;
  }

  @Override
  public String name() {
    return "packet-loss";
  }

  @Override
  public String help() {
    return String.format(Locale.ROOT, "every node drops %.0f%% of the packets it receives (SSH spared)",
        probability * 100);
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
    bed.dropPackets(injection.targets(), probability);
    return String.format(Locale.ROOT, "loss=%.2f nodes=%s", probability, injection.targets());
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.healNetwork();
    return "loss=0 nodes=" + injection.targets();
  }
}
