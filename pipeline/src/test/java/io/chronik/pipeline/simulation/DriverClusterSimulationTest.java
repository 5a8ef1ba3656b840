package io.chronik.pipeline.simulation;

import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chronik.pipeline.driver.RaftDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DriverClusterSimulation} over a range of seeds (each seed its own swarm of parameters
 * and faults). {@code -Dsim.seed=N} replays one seed; {@code -Dsim.firstSeed} and {@code -Dsim.seeds}
 * move or resize the range. A failure prints the seed, a one-line replay command and the end of the
 * run's trace.
 */
@Tag("simulation")
class DriverClusterSimulationTest {
  /** About 20-45 s on the shared 2-core machine, depending on its load (measured: see docs/SIMULATION.md). */
  private static final int DEFAULT_SEEDS = 150;
  private static final int TRACE_LINES = 80;

  private static Level driverLogLevel;

  @BeforeAll
  static void quietDriverLog() {
    // every power cut makes a driver log its storage failure with a stack trace: expected here
    Logger logger = (Logger) LoggerFactory.getLogger(RaftDriver.class);
    driverLogLevel = logger.getLevel();
    logger.setLevel(Level.OFF);
  }

  @AfterAll
  static void restoreDriverLog() {
    ((Logger) LoggerFactory.getLogger(RaftDriver.class)).setLevel(driverLogLevel);
  }

  @Test
  void productionNodesKeepEveryAcknowledgedAppendThroughCrashesAndPartitions() {
    String single = System.getProperty("sim.seed");
    long first = single != null ? Long.parseLong(single) : Long.getLong("sim.firstSeed", 1);
    long count = single != null ? 1 : Long.getLong("sim.seeds", DEFAULT_SEEDS);
    long started = System.nanoTime();
    long nodeEvents = 0;
    long acked = 0;
    long crashes = 0;
    long powerCuts = 0;
    for (long seed = first; seed < first + count; seed++) {
      DriverClusterSimulation.Result result = runSeed(seed, single != null);
      nodeEvents += result.nodeEvents();
      acked += result.acked();
      crashes += result.crashes();
      powerCuts += result.powerCuts();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("simulation=driver-cluster seeds=%d firstSeed=%d seconds=%.1f seedsPerSecond=%.2f"
        + " nodeEventsPerSecond=%.0f nodeEvents=%d acked=%d crashes=%d powerCutsArmed=%d%n", count, first, seconds,
        count / seconds, nodeEvents / seconds, nodeEvents, acked, crashes, powerCuts);
  }

  private static DriverClusterSimulation.Result runSeed(long seed, boolean verbose) {
    DriverClusterSimulation simulation = new DriverClusterSimulation(seed);
    try {
      DriverClusterSimulation.Result result = simulation.run();
      if (verbose) {
        System.out.println("seed=" + seed + " params=[" + simulation.params() + "] result=" + result);
      }
      return result;
    } catch (AssertionError | RuntimeException e) {
      StringBuilder report = new StringBuilder();
      report.append("FAILED seed=").append(seed).append(" t=").append(simulation.now()).append(" error=")
          .append(e).append('\n');
      report.append("params=[").append(simulation.params()).append("]\n");
      report.append("replay: mvn -o -q verify -pl pipeline -am -Dtest=DriverClusterSimulationTest -Dsim.seed=")
          .append(seed).append(" -Dsurefire.failIfNoSpecifiedTests=false\n");
      report.append("last ").append(TRACE_LINES).append(" of ").append(simulation.trace().recorded())
          .append(" events:\n");
      for (String line : simulation.trace().tail(TRACE_LINES)) {
        report.append("  ").append(line).append('\n');
      }
      System.out.println(report);
      // surefire sends stdout to a file: the assertion message carries the report to the console
      fail(report.toString(), e);
      throw new IllegalStateException("unreachable");
    }
  }
}
