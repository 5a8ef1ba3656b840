package io.chronik.control.nemesis;

import io.chronik.control.db.FakeClock;
import java.util.Optional;
import java.util.Set;

/**
 * One node's wall clock off by a seeded ±1..300 s: NTP that has not converged, or a VM whose clock
 * drifted. Only its broker's clock moves (libfaketime, {@link FakeClock}); the host's and every other
 * process's stay, so the control node's history timestamps are unaffected. Raft timeouts use the
 * monotonic clock, which stays real; what a skew can reach is wall-clock time: group session expiry,
 * retention, timestamps the broker hands out.
 */
public final class ClockSkewFault implements Fault {
  static final int MAX_SECONDS = 300;

  @Override
  public String name() {
    return "clock-skew";
  }

  @Override
  public String help() {
    return "one node: its broker's wall clock offset by a seeded ±1..300 s (libfaketime, the host's clock untouched); "
        + "healed: offset +0";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public Optional<FakeClock.Refresh> fakeClock() {
    return Optional.of(FakeClock.Refresh.SECOND);
  }

  /** The node and the offset are both drawn here, so a seed replays them; the offset rides in the shape. */
  @Override
  public Injection pick(Draw draw) {
    String node = draw.shuffled().get(0);
    long seconds = (1 + draw.random().nextInt(MAX_SECONDS)) * (draw.random().nextBoolean() ? 1L : -1L);
    return new Injection(java.util.List.of(node), "offset=" + FakeClock.offset(seconds), java.util.List.of());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    long seconds = offsetOf(injection);
    return "clock-offset=" + FakeClock.offset(seconds) + " nodes=" + injection.targets() + " applied="
        + apply(injection.targets(), seconds, bed);
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    return "clock-offset=+0 nodes=" + injection.targets() + " applied=" + apply(injection.targets(), 0, bed);
  }

  /**
   * Sets {@code seconds} on each node; returns each node's answer ({@code [n2: offset=+137
   * broker-clock=+137]}), so the history says what each broker read, not only what was written.
   */
  static String apply(java.util.List<String> nodes, long seconds, Testbed bed) {
    java.util.List<String> answers = new java.util.ArrayList<>();
    for (String node : nodes) {
      answers.add(node + ": " + bed.clockOffset(node, seconds));
    }
    return answers.toString();
  }

  /** The seconds of an {@code offset=+137} shape (skews and jumps). */
  static long offsetOf(Injection injection) {
    String shape = injection.shape();
    if (!shape.startsWith("offset=")) {
      throw new IllegalArgumentException("shape=" + shape + " reason=expected-offset=SECONDS");
    }
    return Long.parseLong(shape.substring("offset=".length()).replace("+", ""));
  }
}
