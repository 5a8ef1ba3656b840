package io.chronik.pipeline.simulation;

/**
 * What {@link ClusterEventLoop} needs of a seed's swarm (the pipeline's {@code SwarmParams}, the
 * broker's {@code BrokerSwarm}): the cluster size, the network, the clients' and the faults' pace,
 * the fault mix and how long the chaos phase lasts. Time is in simulation units; a tick is
 * {@link SwarmBasics#TICK} units.
 */
public interface ClusterSwarm {
  int nodes();

  WireRates wire();

  /** Mean units between two client steps. */
  int clientGap();

  /** Mean units between two faults in the chaos phase. */
  int faultGap();

  /** Relative weight per {@link Fault} by ordinal (0 switches it off; past the array's end: off). */
  int[] weights();

  int chaosTicks();
}
