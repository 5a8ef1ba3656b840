package io.chronik.pipeline.simulation;

/**
 * The faults of the chaos phase, by the weight a seed's swarm gives each (its {@code weights()}, by
 * ordinal). The pipeline simulation draws weights for all but {@link #FULL_RESTART}, so its seeds
 * replay as before that fault existed here.
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
  FULL_RESTART
}
