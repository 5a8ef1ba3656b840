package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A fault timeline drawn from a seed: quiet gap, one fault for a while, quiet gap, ... until the run's
 * duration. Pure (no clock, no I/O), so the same seed and nodes replay the same faults on the same
 * nodes. Targets are fixed here; only "isolate-leader" resolves its node when applied.
 */
public final class FaultPlan {
  /** Partition shapes, by the name recorded in the history. */
  public static final List<String> SHAPES = List.of("isolate-one", "halves", "majorities-ring", "bridge");

  /** One fault starting ({@code start}) or stopping at {@code atMillis} after the run began. */
  public record Step(long atMillis, FaultKind kind, boolean start, String shape, List<String> nodes) {
    public Step {
      nodes = List.copyOf(nodes);
    }
  }

  /** Gap and fault lengths, uniform in [min, max]. */
  public record Timing(long quietMinMillis, long quietMaxMillis, long activeMinMillis, long activeMaxMillis) {}

  private FaultPlan() {}

  public static List<Step> generate(long seed, List<FaultKind> kinds, List<String> nodes, long durationMillis,
      Timing timing, boolean leaderKnown) {
    List<String> shapes = new ArrayList<>(SHAPES);
    if (leaderKnown) {
      shapes.add("isolate-leader");
    }
    return generate(seed, kinds, nodes, durationMillis, timing, shapes);
  }

  /**
   * As above, partitions drawn only from {@code shapes} (e.g. just "isolate-leader"); "bridge" is
   * dropped for fewer than 3 nodes and "majorities-ring" for fewer than 4.
   */
  public static List<Step> generate(long seed, List<FaultKind> kinds, List<String> nodes, long durationMillis,
      Timing timing, List<String> shapes) {
    List<String> usable = new ArrayList<>(shapes);
    if (nodes.size() < 3) {
      usable.remove("bridge");
    }
    if (nodes.size() < 4) {
      usable.remove("majorities-ring"); // below 4 nodes every node sees every other: no fault at all
    }
    for (String shape : usable) {
      if (!SHAPES.contains(shape) && !shape.equals("isolate-leader")) {
        throw new IllegalArgumentException("shape=" + shape + " reason=unknown known=" + SHAPES + "+[isolate-leader]");
      }
    }
    if (kinds.contains(FaultKind.PARTITION) && usable.isEmpty()) {
      throw new IllegalArgumentException("shapes=" + shapes + " nodes=" + nodes.size() + " reason=no-usable-partition-shape");
    }
    if (kinds.isEmpty()) {
      return List.of();
    }
    Random random = new Random(seed);
    List<Step> steps = new ArrayList<>();
    long t = 0;
    while (true) {
      t += uniform(random, timing.quietMinMillis(), timing.quietMaxMillis());
      if (t >= durationMillis) {
        break;
      }
      FaultKind kind = kinds.get(random.nextInt(kinds.size()));
      List<String> shuffled = new ArrayList<>(nodes);
      Collections.shuffle(shuffled, random);
      String shape = "";
      List<String> targets;
      switch (kind) {
        case PARTITION -> {
          shape = usable.get(random.nextInt(usable.size()));
          targets = shuffled;
        }
        case KILL, PAUSE -> targets = shuffled.subList(0, 1 + random.nextInt(Math.max(1, (nodes.size() - 1) / 2)));
        case CORRUPT -> targets = shuffled.subList(0, 1);
        default -> targets = shuffled;
      }
      long stop = Math.min(durationMillis, t + uniform(random, timing.activeMinMillis(), timing.activeMaxMillis()));
      steps.add(new Step(t, kind, true, shape, targets));
      steps.add(new Step(stop, kind, false, shape, targets));
      t = stop;
    }
    return List.copyOf(steps);
  }

  private static long uniform(Random random, long min, long max) {
    return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
  }
}
