package io.chronik.broker.simulation;

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
 * Runs {@link BrokerSimulation} over a range of seeds (each seed its own swarm of parameters and
 * faults). {@code -Dsim.seed=N} replays one seed (and prints its parameters and result);
 * {@code -Dsim.firstSeed} and {@code -Dsim.seeds} move or resize the range. A failure prints the seed,
 * a one-line replay command and the end of the run's trace.
 */
@Tag("simulation")
class BrokerSimulationTest {
  /** About 6-27 s on the shared 2-core machine, depending on its load (measured: see docs/SIMULATION.md). */
  private static final int DEFAULT_SEEDS = 60;
  private static final int TRACE_LINES = Integer.getInteger("sim.traceLines", 80);

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
    // the broker's other tests share this JVM and may read the driver's log
    ((Logger) LoggerFactory.getLogger(RaftDriver.class)).setLevel(driverLogLevel);
  }

  @Test
  void idempotentProducersRetryingThroughCrashesAndRestartsCommitEveryBatchExactlyOnce() {
    String single = System.getProperty("sim.seed");
    long first = single != null ? Long.parseLong(single) : Long.getLong("sim.firstSeed", 1);
    long count = single != null ? 1 : Long.getLong("sim.seeds", DEFAULT_SEEDS);
    long started = System.nanoTime();
    long nodeEvents = 0;
    long acked = 0;
    long duplicates = 0;
    long retries = 0;
    long crashes = 0;
    long fullRestarts = 0;
    long snapshots = 0;
    long transfers = 0;
    long held = 0;
    for (long seed = first; seed < first + count; seed++) {
      BrokerSimulation.Result r = runSeed(seed, single != null);
      nodeEvents += r.nodeEvents();
      acked += r.acked();
      duplicates += r.duplicates();
      retries += r.retries();
      crashes += r.crashes();
      fullRestarts += r.fullRestarts();
      snapshots += r.snapshots();
      transfers += r.transfers();
      held += r.heldDuringTransfers();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("simulation=broker seeds=%d firstSeed=%d seconds=%.1f seedsPerSecond=%.2f nodeEvents=%d"
        + " acked=%d duplicateAnswers=%d retries=%d crashes=%d fullRestarts=%d snapshotsAtEnd=%d transfers=%d"
        + " heldDuringTransfers=%d%n", count, first, seconds, count / seconds, nodeEvents, acked, duplicates, retries,
        crashes, fullRestarts, snapshots, transfers, held);
  }

  private static BrokerSimulation.Result runSeed(long seed, boolean verbose) {
    BrokerSimulation simulation = new BrokerSimulation(seed);
    try {
      BrokerSimulation.Result result = simulation.run();
      if (verbose) {
        System.out.println("seed=" + seed + " swarm=[" + simulation.swarm() + "] result=" + result);
      }
      return result;
    } catch (AssertionError | RuntimeException e) {
      StringBuilder report = new StringBuilder();
      report.append("FAILED seed=").append(seed).append(" t=").append(simulation.now()).append(" error=")
          .append(e).append('\n');
      report.append("swarm=[").append(simulation.swarm()).append("]\n");
      report.append("replay: mvn -o -q verify -pl raft,pipeline,broker -Dtest=BrokerSimulationTest -Dsim.seed=")
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
