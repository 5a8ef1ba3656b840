package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fault timeline drawn from a seed: quiet gap, one fault for a while, quiet gap, ... until the run's
 * duration. Pure (no clock, no I/O), so the same seed, faults and nodes replay the same faults on
 * the same nodes. Targets are fixed here; only leader-bound faults resolve theirs when applied.
 */
public final class FaultPlan {
  /** One fault: put in place at {@code startMillis} after the run began, healed at {@code healMillis}. */
  public record Step(long startMillis, long healMillis, Fault fault, Injection injection) {}

  /** Gap and fault lengths, uniform in [min, max]. */
  public record Timing(long quietMinMillis, long quietMaxMillis, long activeMinMillis, long activeMaxMillis) {}

  private FaultPlan() {}

  /**
   * The plan for {@code faults} on {@code nodes}; partitions drawn from {@code shapes}. Throws with
   * the first fault's key=value problem if one cannot run on these nodes or shapes.
   */
  public static List<Step> generate(long seed, List<Fault> faults, List<String> nodes, List<String> shapes,
      long durationMillis, Timing timing) {
    return generate(seed, faults, nodes, shapes, List.of(), durationMillis, timing);
  }

  /** As above, with the workload's client processes for the faults that hit clients. */
  public static List<Step> generate(long seed, List<Fault> faults, List<String> nodes, List<String> shapes,
      List<String> clients, long durationMillis, Timing timing) {
    Random random = new Random(seed);
    Draw draw = new Draw(nodes, random, shapes, clients);
    for (Fault f : faults) {
      String problem = f.problem(draw);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
    if (faults.isEmpty()) {
      return List.of();
    }
    List<Step> steps = new ArrayList<>();
    long t = 0;
    while (true) {
      t += uniform(random, timing.quietMinMillis(), timing.quietMaxMillis());
      if (t >= durationMillis) {
        break;
      }
      Fault fault = faults.get(random.nextInt(faults.size()));
      Injection injection = fault.pick(draw);
      long heal = Math.min(durationMillis, t + uniform(random, timing.activeMinMillis(), timing.activeMaxMillis()));
      steps.add(new Step(t, heal, fault, injection));
      t = heal;
    }
    return List.copyOf(steps);
  }

  private static long uniform(Random random, long min, long max) {
    return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
  }
}
