package io.chronik.broker.simulation;

import io.chronik.pipeline.simulation.SeedSweep;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link BrokerSimulation} over a range of seeds (each seed its own swarm of parameters and
 * faults; {@link SeedSweep}: {@code -Dsim.seed=N} replays one and prints its parameters and result).
 * A failure prints the seed, a one-line replay command and the end of the run's trace
 * ({@code -Dsim.traceLines=N} events).
 */
@Tag("simulation")
class BrokerSimulationTest {
  /** About 1-10 s on the shared 2-core machine, depending on its load (measured: see docs/SIMULATION.md). */
  private static final int DEFAULT_SEEDS = 200;

  @Test
  void idempotentProducersRetryingThroughCrashesRestartsAndRetentionCommitEveryBatchExactlyOnceAndServeItFromTheLogStart() {
    SeedSweep.fromProperties(DEFAULT_SEEDS).run("broker", "mvn -o -q verify -pl raft,pipeline,broker"
        + " -Dtest=BrokerSimulationTest -Dsurefire.failIfNoSpecifiedTests=false",
        Integer.getInteger("sim.traceLines", 80), BrokerSimulation::new, BrokerSimulation::run);
  }
}
