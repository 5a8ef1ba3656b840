package io.chronik.broker.simulation;

import io.chronik.pipeline.simulation.ClusterSwarm;
import io.chronik.pipeline.simulation.Fault;
import io.chronik.pipeline.simulation.SwarmBasics;
import io.chronik.pipeline.simulation.WireRates;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.LogConfig;
import java.util.SplittableRandom;

/**
 * What one seed of the broker simulation draws before it starts (swarm testing, {@link SwarmBasics}:
 * each seed its own cluster shape, tunables and fault mix). Time is in simulation units; a tick is
 * {@link SwarmBasics#TICK} units.
 *
 * @param snapshotInterval applied entries between two partition snapshots: small, so restarts open
 *     from a snapshot and replay only the entries after it
 * @param clientGap mean units between two producer steps
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
    WireRates wire,
    int clientGap,
    int requestTimeoutTicks,
    double responseLoss,
    int faultGap,
    int[] weights,
    int chaosTicks) implements ClusterSwarm {

  static BrokerSwarm draw(SplittableRandom random) {
    RaftOptions options = SwarmBasics.options(random, 256);
    LogConfig logConfig = SwarmBasics.logConfig(random);
    int[] weights = SwarmBasics.faultWeights(random, Fault.BIT_FLIP.ordinal());
    int electionTicks = options.electionTicks();
    return new BrokerSwarm(
        random.nextInt(4) == 0 ? 5 : 3,
        options,
        logConfig,
        2 + random.nextInt(random.nextBoolean() ? 6 : 40),
        1 + random.nextInt(4),
        WireRates.draw(random),
        5 + random.nextInt(60),
        electionTicks + random.nextInt(4 * electionTicks),
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.3,
        SwarmBasics.faultGap(random, electionTicks),
        weights,
        100 + random.nextInt(200));
  }

  @Override
  public String toString() {
    return "nodes=" + nodes + " " + SwarmBasics.describe(options, logConfig) + " snapshotInterval="
        + snapshotInterval + " producers=" + producers + " " + wire + String.format(" responseLoss=%.3f", responseLoss)
        + " sendGap=" + clientGap + " requestTimeoutTicks=" + requestTimeoutTicks + " faultGap=" + faultGap
        + " chaosTicks=" + chaosTicks + " " + SwarmBasics.describe(weights);
  }
}
