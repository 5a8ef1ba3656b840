package io.chronik.control.nemesis;

import io.chronik.control.db.FakeClock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's wall clock flips between the real time and a seeded offset of ±1..300 s every seeded
 * 50..200 ms for the whole fault window: a clock that cannot settle (two time sources fighting, a
 * broken hypervisor clock), so consecutive wall-clock reads of its broker go back and forth. A loop
 * on the host rewrites the broker's libfaketime offset file ({@link FakeClock#strobe}); heal stops it
 * by pid and writes +0. Runs that select it start brokers reading the file on every clock read.
 */
public final class ClockStrobeFault implements Fault {
  static final int MIN_PERIOD_MILLIS = 50;
  static final int MAX_PERIOD_MILLIS = 200;
  private static final Pattern SHAPE = Pattern.compile("offsets=\\+0/([+-]\\d+) period-ms=(\\d+)");

  @Override
  public String name() {
    return "clock-strobe";
  }

  @Override
  public String help() {
    return "one node: its broker's wall clock flips between +0 and a seeded ±1..300 s every seeded 50..200 ms "
        + "(libfaketime, a loop on the host; the host's clock untouched); healed: loop stopped, offset +0";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public Optional<FakeClock.Refresh> fakeClock() {
    return Optional.of(FakeClock.Refresh.EVERY_READ);
  }

  @Override
  public Injection pick(Draw draw) {
    String node = draw.shuffled().get(0);
    long seconds = (1 + draw.random().nextInt(ClockSkewFault.MAX_SECONDS)) * (draw.random().nextBoolean() ? 1L : -1L);
    int period = MIN_PERIOD_MILLIS + draw.random().nextInt(MAX_PERIOD_MILLIS - MIN_PERIOD_MILLIS + 1);
    return new Injection(List.of(node), "offsets=+0/" + FakeClock.offset(seconds) + " period-ms=" + period, List.of());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    Matcher m = SHAPE.matcher(injection.shape());
    if (!m.matches()) {
      throw new IllegalArgumentException("shape=" + injection.shape() + " reason=expected-offsets=+0/SECONDS-period-ms=N");
    }
    long seconds = Long.parseLong(m.group(1).replace("+", ""));
    long period = Long.parseLong(m.group(2));
    List<String> loops = new java.util.ArrayList<>();
    for (String node : injection.targets()) {
      loops.add(node + ": " + bed.clockStrobe(node, 0, seconds, period));
    }
    return "clock-strobe=+0/" + FakeClock.offset(seconds) + " period-ms=" + period + " nodes=" + injection.targets()
        + " applied=" + loops;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    return "clock-strobe=stopped clock-offset=+0 nodes=" + injection.targets() + " applied="
        + ClockSkewFault.apply(injection.targets(), 0, bed);
  }
}
