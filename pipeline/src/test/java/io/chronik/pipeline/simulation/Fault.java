package io.chronik.pipeline.simulation;

/**
 * The faults of the chaos phase, by the weight a seed's swarm gives each (its {@code weights()}, by
 * ordinal). The pipeline simulation draws weights for all but {@link #FULL_RESTART}, so its seeds
 * replay as before that fault existed here. {@link #BIT_FLIP} has no weight: the event loop draws its
 * share from a stream of its own, so seeds without it replay as before it existed.
 */
public enum Fault {
  /** A random up node loses power at a loop boundary. */
  CRASH,
  /** A random up node's disk fails after a few more writes: mid-loop, the driver stops, the disk crashes. */
  POWER_CUT,
  /** A random split of the nodes into two sides. */
  PARTITION,
  /** One node cut off from all others. */
  ISOLATE,
  /** Every cut link restored. */
  HEAL,
  /** A random up node toggles between normal speed and a driver loop every 2–17 ticks. */
  SLOW_NODE,
  /** A random down node comes back (also the fallback when every weight is 0). */
  RESTART,
  /** Every node loses power at once, each losing what its disk had not synced. */
  FULL_RESTART,
  /**
   * A random up node loses power and, while it is down, one bit flips in one of its closed segments
   * (not among the two newest of a group's directory); it restarts repairing from peers.
   */
  BIT_FLIP
}
