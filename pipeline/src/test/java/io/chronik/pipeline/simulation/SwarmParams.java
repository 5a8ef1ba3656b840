package io.chronik.pipeline.simulation;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.LogConfig;
import java.util.SplittableRandom;

/**
 * What one seed draws before it starts: cluster shape, protocol tunables, storage layout and its own
 * fault mix (swarm testing: a seed that never partitions explores crashes deeper, and the other way
 * round). Time is in simulation units; a tick is {@link #TICK} units.
 *
 * @param faultGap mean units between two faults in the chaos phase
 * @param weights relative weight per {@link Fault}, 0 switches a fault off for this seed
 */
record SwarmParams(
    int nodes,
    int groups,
    RaftOptions options,
    LogConfig logConfig,
    double dropRate,
    double duplicateRate,
    int delayMin,
    int delaySpread,
    double reorderRate,
    int proposeGap,
    int faultGap,
    int[] weights,
    int chaosTicks) {

  static final int TICK = 100;

  enum Fault { CRASH, POWER_CUT, PARTITION, ISOLATE, HEAL, SLOW_NODE, RESTART }

  static SwarmParams draw(SplittableRandom random) {
    int electionTicks = 6 + random.nextInt(15);
    RaftOptions options = RaftOptions.defaults().toBuilder()
        .electionTicks(electionTicks)
        .heartbeatTicks(1 + random.nextInt(Math.max(1, electionTicks / 4)))
        .appendBytesMax(random.nextInt(4) == 0 ? 1 : 64 + random.nextInt(8192))
        .inflightMax(1 + random.nextInt(16))
        .uncommittedEntriesMax(random.nextBoolean() ? 10_000 : 20 + random.nextInt(200))
        .preVote(random.nextInt(4) != 0)
        .checkQuorum(random.nextInt(4) != 0)
        .build();
    // small segments and buffers so segment rolls, buffer flushes and torn tails happen often
    LogConfig logConfig = new LogConfig(4096 << random.nextInt(5), 256 << random.nextInt(3),
        512 << random.nextInt(5), random.nextInt(4) == 0);
    int[] weights = new int[Fault.values().length];
    for (int f = 0; f < weights.length; f++) {
      weights[f] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(10);
    }
    weights[Fault.RESTART.ordinal()] = Math.max(weights[Fault.RESTART.ordinal()], 3);
    weights[Fault.HEAL.ordinal()] = Math.max(weights[Fault.HEAL.ordinal()], 2);
    return new SwarmParams(
        random.nextInt(4) == 0 ? 5 : 3,
        1 + random.nextInt(8),
        options,
        logConfig,
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.15,
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05,
        1 + random.nextInt(20),
        random.nextInt(200),
        random.nextDouble() * 0.1,
        5 + random.nextInt(60),
        // between half an election timeout and four: faster than that only crashes, slower finds little
        electionTicks * TICK / 2 + random.nextInt(electionTicks * TICK * 7 / 2),
        weights,
        100 + random.nextInt(200));
  }

  @Override
  public String toString() {
    StringBuilder w = new StringBuilder();
    for (Fault f : Fault.values()) {
      w.append(f.name().toLowerCase()).append(':').append(weights[f.ordinal()]).append(' ');
    }
    return "nodes=" + nodes + " groups=" + groups + " electionTicks=" + options.electionTicks()
        + " heartbeatTicks=" + options.heartbeatTicks() + " appendBytesMax=" + options.appendBytesMax()
        + " inflightMax=" + options.inflightMax() + " uncommittedMax=" + options.uncommittedEntriesMax()
        + " preVote=" + options.preVote() + " checkQuorum=" + options.checkQuorum()
        + " segmentBytes=" + logConfig.segmentBytes() + " writeBuffer=" + logConfig.writeBufferBytes()
        + String.format(" drop=%.3f dup=%.3f", dropRate, duplicateRate) + " delay=" + delayMin + "+" + delaySpread
        + " proposeGap=" + proposeGap + " faultGap=" + faultGap + " chaosTicks=" + chaosTicks + " faults=[" + w.toString().trim() + "]";
  }
}
