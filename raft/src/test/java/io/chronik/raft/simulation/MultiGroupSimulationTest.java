package io.chronik.raft.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeds of {@link MultiGroupSimulation}: 48 quiescing groups per node under partitions and slow fsync
 * tails (100 ms to 1 s) stay safe, and once healed every group agrees on one leader and falls silent
 * within the bound. {@code -Dsim.seed=N} replays one seed; {@code -Dsim.multiSeeds=N} sizes the sweep.
 */
@Tag("simulation")
class MultiGroupSimulationTest {
  static final String REPLAY =
      "mvn -q -pl raft test -Dtest=MultiGroupSimulationTest -Dchronik.groups=simulation -Dsim.seed=";

  @Test
  void manyGroupsPerNodeWithSlowFsyncTailsStaySafeAndElectOnceHealed() {
    String single = System.getProperty("sim.seed");
    long first = single != null ? Long.parseLong(single) : 1;
    long count = single != null ? 1 : Long.getLong("sim.multiSeeds", 40);
    List<String> failures = new ArrayList<>();
    List<MultiGroupSimulation.Result> results = new ArrayList<>();
    LongStream.range(first, first + count).parallel().forEach(seed -> {
      try {
        MultiGroupSimulation.Result r = new MultiGroupSimulation(seed, MultiGroupSimulation.Settings.ci()).run();
        synchronized (results) {
          results.add(r);
        }
      } catch (AssertionError | RuntimeException e) {
        synchronized (failures) {
          failures.add(seed + ": " + e.getMessage());
        }
      }
    });
    long worst = results.stream().mapToLong(MultiGroupSimulation.Result::healedAfterMs).max().orElse(0);
    long elections = results.stream().mapToLong(MultiGroupSimulation.Result::elections).sum();
    System.out.println("multi-group simulation: seeds=" + count + " failures=" + failures.size()
        + " worstHealMs=" + worst + " elections=" + elections);
    assertThat(failures).as("failing seeds (replay with: %s<seed>)", REPLAY).isEmpty();
    assertThat(results).hasSize((int) count);
  }
}
