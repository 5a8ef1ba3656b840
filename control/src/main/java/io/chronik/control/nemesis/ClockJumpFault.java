package io.chronik.control.nemesis;

import io.chronik.control.db.FakeClock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One node's wall clock steps once by a seeded 10 min..24 h, forward or back — an NTP step after a
 * long drift, a VM resumed from a snapshot, a wrong {@code date -s} — and steps back when healed. Only
 * its broker's clock moves (libfaketime, {@link FakeClock}); monotonic time stays real. A forward jump
 * ages every wall-clock deadline at once (group sessions, retention), a backward one stalls them.
 */
public final class ClockJumpFault implements Fault {
  static final int MIN_SECONDS = 600;
  static final int MAX_SECONDS = 86_400;

  @Override
  public String name() {
    return "clock-jump";
  }

  @Override
  public String help() {
    return "one node: its broker's wall clock jumps once by a seeded 10 min..24 h forward or back (libfaketime, "
        + "the host's clock untouched); healed: jumps back to +0";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public Optional<FakeClock.Refresh> fakeClock() {
    return Optional.of(FakeClock.Refresh.SECOND);
  }

  @Override
  public Injection pick(Draw draw) {
    String node = draw.shuffled().get(0);
    long seconds = (MIN_SECONDS + draw.random().nextInt(MAX_SECONDS - MIN_SECONDS + 1))
        * (draw.random().nextBoolean() ? 1L : -1L);
    return new Injection(List.of(node), "offset=" + FakeClock.offset(seconds), List.of());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    long seconds = ClockSkewFault.offsetOf(injection);
    return "clock-jump=" + FakeClock.offset(seconds) + " nodes=" + injection.targets() + " applied="
        + ClockSkewFault.apply(injection.targets(), seconds, bed);
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    return "clock-jump=+0 nodes=" + injection.targets() + " applied=" + ClockSkewFault.apply(injection.targets(), 0, bed);
  }
}
