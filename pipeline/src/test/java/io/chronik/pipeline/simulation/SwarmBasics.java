package io.chronik.pipeline.simulation;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.LogConfig;
import java.util.SplittableRandom;

/**
 * The draws every production-path simulation's swarm makes the same way (swarm testing: each seed its
 * own tunables, storage layout and fault mix; a seed that never partitions explores crashes deeper,
 * and the other way round). Each method draws in a fixed order, so a swarm that calls them in the
 * same order replays as before.
 */
public final class SwarmBasics {
  /** Simulation units per tick. */
  public static final int TICK = 100;

  private SwarmBasics() {}

  /**
   * Election 6–20 ticks, heartbeat up to a quarter of it, {@code appendBytesMax} 1 (one entry per
   * append) one seed in four else {@code appendBytesFloor} plus up to 8 KiB, window 1–16, uncommitted
   * limit, pre-vote and check-quorum each on three seeds in four.
   */
  public static RaftOptions options(SplittableRandom random, int appendBytesFloor) {
    int electionTicks = 6 + random.nextInt(15);
    return RaftOptions.defaults().toBuilder()
        .electionTicks(electionTicks)
        .heartbeatTicks(1 + random.nextInt(Math.max(1, electionTicks / 4)))
        .appendBytesMax(random.nextInt(4) == 0 ? 1 : appendBytesFloor + random.nextInt(8192))
        .inflightMax(1 + random.nextInt(16))
        .uncommittedEntriesMax(random.nextBoolean() ? 10_000 : 20 + random.nextInt(200))
        .preVote(random.nextInt(4) != 0)
        .checkQuorum(random.nextInt(4) != 0)
        .build();
  }

  /** Small segments and buffers, so segment rolls, buffer flushes and torn tails happen often. */
  public static LogConfig logConfig(SplittableRandom random) {
    return new LogConfig(4096 << random.nextInt(5), 256 << random.nextInt(3), 512 << random.nextInt(5),
        random.nextInt(4) == 0);
  }

  /** A weight per fault of the first {@code kinds}: a quarter off, the rest 1–10; restarts and heals never rare. */
  public static int[] faultWeights(SplittableRandom random, int kinds) {
    int[] weights = new int[kinds];
    for (int f = 0; f < weights.length; f++) {
      weights[f] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(10);
    }
    weights[Fault.RESTART.ordinal()] = Math.max(weights[Fault.RESTART.ordinal()], 3);
    weights[Fault.HEAL.ordinal()] = Math.max(weights[Fault.HEAL.ordinal()], 2);
    return weights;
  }

  /** Between half an election timeout and four: faster than that only crashes, slower finds little. */
  public static int faultGap(SplittableRandom random, int electionTicks) {
    return electionTicks * TICK / 2 + random.nextInt(electionTicks * TICK * 7 / 2);
  }

  /** The drawn tunables and storage layout, for a failure line. */
  public static String describe(RaftOptions options, LogConfig logConfig) {
    return "electionTicks=" + options.electionTicks() + " heartbeatTicks=" + options.heartbeatTicks()
        + " appendBytesMax=" + options.appendBytesMax() + " inflightMax=" + options.inflightMax()
        + " uncommittedMax=" + options.uncommittedEntriesMax() + " preVote=" + options.preVote()
        + " checkQuorum=" + options.checkQuorum() + " segmentBytes=" + logConfig.segmentBytes()
        + " writeBuffer=" + logConfig.writeBufferBytes();
  }

  /** The fault mix, {@code faults=[crash:3 power_cut:0 …]}. */
  public static String describe(int[] weights) {
    StringBuilder w = new StringBuilder();
    for (int f = 0; f < weights.length; f++) {
      w.append(Fault.values()[f].name().toLowerCase()).append(':').append(weights[f]).append(' ');
    }
    return "faults=[" + w.toString().trim() + "]";
  }
}
