package io.chronik.raft.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Long seed sweep, excluded from the default run: see docs/SIMULATION.md. Prints progress every 1,000 seeds. */
@Tag("soak")
class ClusterSoakTest {

  @Test
  void longSweepKeepsRaftSafeAndLive() {
    long first = Long.getLong("sim.firstSeed", 1_000_000);
    long count = Long.getLong("sim.seeds", 100_000);
    ClusterSimulationTest.SweepReport report = ClusterSimulationTest.sweep(first, count, true);
    System.out.println(report.summary());
    assertThat(report.failures).as("failing seeds (replay with: %s<seed>)", ClusterSimulationTest.REPLAY).isEmpty();
  }
}
