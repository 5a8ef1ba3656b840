package io.chronik.control.nemesis;

import java.util.List;

/**
 * Where a run's fault steps come from: drawn from the seed ({@link FaultPlan#generate}, what
 * {@code chronik test} does) or a scenario's fixed schedule. Given the nodes in cluster order and
 * the run's length; pure, so the same seed replays the same steps.
 */
@FunctionalInterface
public interface FaultPlanner {
  List<FaultPlan.Step> plan(long seed, List<String> nodes, long durationMillis, FaultPlan.Timing timing);
}
