package io.chronik.pipeline.simulation;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link DriverClusterSimulation} over a range of seeds (each seed its own swarm of parameters
 * and faults; {@link SeedSweep}: {@code -Dsim.seed=N} replays one). A failure prints the seed, a
 * one-line replay command and the end of the run's trace.
 */
@Tag("simulation")
class DriverClusterSimulationTest {
  /** About 20-45 s on the shared 2-core machine, depending on its load (measured: see docs/SIMULATION.md). */
  private static final int DEFAULT_SEEDS = 150;

  @Test
  void productionNodesKeepEveryAcknowledgedAppendThroughCrashesAndPartitions() {
    SeedSweep.fromProperties(DEFAULT_SEEDS).run("driver-cluster", "mvn -o -q verify -pl pipeline -am"
        + " -Dtest=DriverClusterSimulationTest -Dsurefire.failIfNoSpecifiedTests=false", Integer.getInteger("sim.traceLines", 80),
        DriverClusterSimulation::new, DriverClusterSimulation::run);
  }
}
