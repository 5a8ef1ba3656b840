package io.chronik.pipeline.simulation;

import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.LogConfig;
import java.util.SplittableRandom;

/**
 * What one seed of the pipeline simulation draws before it starts: cluster shape, protocol tunables,
 * storage layout and its own fault mix ({@link SwarmBasics}). Time is in simulation units; a tick is
 * {@link SwarmBasics#TICK} units.
 *
 * @param clientGap mean units between two client proposals
 * @param faultGap mean units between two faults in the chaos phase
 * @param weights relative weight per {@link Fault} (all but {@link Fault#FULL_RESTART}), 0 switches a fault off
 */
record SwarmParams(
    int nodes,
    int groups,
    RaftOptions options,
    LogConfig logConfig,
    WireRates wire,
    int clientGap,
    int faultGap,
    int[] weights,
    int chaosTicks) implements ClusterSwarm {

  static SwarmParams draw(SplittableRandom random) {
    RaftOptions options = SwarmBasics.options(random, 64);
    LogConfig logConfig = SwarmBasics.logConfig(random);
    int[] weights = SwarmBasics.faultWeights(random, Fault.FULL_RESTART.ordinal());
    return new SwarmParams(
        random.nextInt(4) == 0 ? 5 : 3,
        1 + random.nextInt(8),
        options,
        logConfig,
        WireRates.draw(random),
        5 + random.nextInt(60),
        SwarmBasics.faultGap(random, options.electionTicks()),
        weights,
        100 + random.nextInt(200));
  }

  @Override
  public String toString() {
    return "nodes=" + nodes + " groups=" + groups + " " + SwarmBasics.describe(options, logConfig) + " " + wire
        + " proposeGap=" + clientGap + " faultGap=" + faultGap + " chaosTicks=" + chaosTicks + " "
        + SwarmBasics.describe(weights);
  }
}
