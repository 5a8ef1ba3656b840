package io.chronik.broker.simulation;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.LogConfig;
import java.util.SplittableRandom;

/**
 * What one seed of the broker simulation draws before it starts (swarm testing: each seed its own
 * cluster shape, tunables and fault mix). Time is in simulation units; a tick is {@link #TICK} units.
 *
 * @param snapshotInterval applied entries between two partition snapshots: small, so restarts open
 *     from a snapshot and replay only the entries after it
 * @param requestTimeoutTicks a producer that heard nothing for this long retries the same batch
 * @param responseLoss share of produce answers the producer never receives (it retries after a timeout)
 * @param weights relative weight per {@link Fault}; 0 switches a fault off for this seed
 */
record BrokerSwarm(
    int nodes,
    RaftOptions options,
    LogConfig logConfig,
    long snapshotInterval,
    int producers,
    double dropRate,
    double duplicateRate,
    int delayMin,
    int delaySpread,
    double reorderRate,
    int sendGap,
    int requestTimeoutTicks,
    double responseLoss,
    int faultGap,
    int[] weights,
    int chaosTicks) {

  static final int TICK = 100;

  enum Fault { CRASH, POWER_CUT, PARTITION, ISOLATE, HEAL, SLOW_NODE, RESTART, FULL_RESTART }

  static BrokerSwarm draw(SplittableRandom random) {
    int electionTicks = 6 + random.nextInt(15);
    RaftOptions options = RaftOptions.defaults().toBuilder()
        .electionTicks(electionTicks)
        .heartbeatTicks(1 + random.nextInt(Math.max(1, electionTicks / 4)))
        .appendBytesMax(random.nextInt(4) == 0 ? 1 : 256 + random.nextInt(8192))
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
    return new BrokerSwarm(
        random.nextInt(4) == 0 ? 5 : 3,
        options,
        logConfig,
        2 + random.nextInt(random.nextBoolean() ? 6 : 40),
        1 + random.nextInt(4),
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.15,
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05,
        1 + random.nextInt(20),
        random.nextInt(200),
        random.nextDouble() * 0.1,
        5 + random.nextInt(60),
        electionTicks + random.nextInt(4 * electionTicks),
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.3,
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
    return "nodes=" + nodes + " electionTicks=" + options.electionTicks() + " heartbeatTicks="
        + options.heartbeatTicks() + " appendBytesMax=" + options.appendBytesMax() + " inflightMax="
        + options.inflightMax() + " uncommittedMax=" + options.uncommittedEntriesMax() + " preVote="
        + options.preVote() + " checkQuorum=" + options.checkQuorum() + " segmentBytes=" + logConfig.segmentBytes()
        + " snapshotInterval=" + snapshotInterval + " producers=" + producers
        + String.format(" drop=%.3f dup=%.3f responseLoss=%.3f", dropRate, duplicateRate, responseLoss)
        + " delay=" + delayMin + "+" + delaySpread + " sendGap=" + sendGap + " requestTimeoutTicks="
        + requestTimeoutTicks + " faultGap=" + faultGap + " chaosTicks=" + chaosTicks + " faults=["
        + w.toString().trim() + "]";
  }
}
