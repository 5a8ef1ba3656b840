package io.chronik.pipeline.simulation;

import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chronik.pipeline.driver.RaftDriver;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.LoggerFactory;

/**
 * The seeds a simulation test runs, and how: {@code -Dsim.seed=N} replays one (printing its swarm and
 * result), {@code -Dsim.firstSeed} and {@code -Dsim.seeds} move or resize the range (default: from 1,
 * {@code defaultSeeds} of them). A failing seed fails the test with its report: the seed, the swarm, a
 * one-line replay command and the last events of its trace. A passing sweep prints one line: seeds,
 * time, and the sum of every {@code long} component of the runs' result records.
 *
 * @param single whether one seed is replayed
 */
public record SeedSweep(long first, long count, boolean single) {

  public static SeedSweep fromProperties(int defaultSeeds) {
    String single = System.getProperty("sim.seed");
    long first = single != null ? Long.parseLong(single) : Long.getLong("sim.firstSeed", 1);
    long count = single != null ? 1 : Long.getLong("sim.seeds", defaultSeeds);
    return new SeedSweep(first, count, single != null);
  }

  /**
   * Runs every seed of the sweep: {@code create} builds a seed's simulation, {@code run} runs it to its
   * result. {@code replayCommand} is the Maven command that runs this test (the seed is appended).
   */
  public <C extends ClusterEventLoop<?, ?>> void run(String name, String replayCommand, int traceLines,
      LongFunction<C> create, Function<C, ? extends Record> run) {
    Level driverLog = quietDriverLog();
    try {
      long started = System.nanoTime();
      Map<String, Long> totals = new LinkedHashMap<>();
      for (long seed = first; seed < first + count; seed++) {
        C simulation = create.apply(seed);
        Record result;
        try {
          result = run.apply(simulation);
        } catch (AssertionError | RuntimeException e) {
          String report = failureReport(seed, e, simulation, replayCommand, traceLines);
          System.out.println(report);
          // surefire sends stdout to a file: the assertion message carries the report to the console
          fail(report, e);
          return;
        }
        if (single) {
          System.out.println("seed=" + seed + " swarm=[" + simulation.swarm() + "] result=" + result);
        }
        add(totals, result);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      StringBuilder line = new StringBuilder(String.format("simulation=%s seeds=%d firstSeed=%d seconds=%.1f"
          + " seedsPerSecond=%.2f nodeEventsPerSecond=%.0f", name, count, first, seconds, count / seconds,
          totals.getOrDefault("nodeEvents", 0L) / seconds));
      totals.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
      System.out.println(line);
    } finally {
      restoreDriverLog(driverLog);
    }
  }

  /** Adds every long component but the seed. */
  private static void add(Map<String, Long> totals, Record result) {
    for (RecordComponent c : result.getClass().getRecordComponents()) {
      if (c.getType() == long.class && !c.getName().equals("seed")) {
        try {
          c.getAccessor().setAccessible(true);
          totals.merge(c.getName(), (Long) c.getAccessor().invoke(result), Long::sum);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("component=" + c.getName() + " reason=unreadable", e);
        }
      }
    }
  }

  /** Every power cut makes a driver log its storage failure with a stack trace: expected in a sweep. */
  private static Level quietDriverLog() {
    Logger logger = (Logger) LoggerFactory.getLogger(RaftDriver.class);
    Level before = logger.getLevel();
    logger.setLevel(Level.OFF);
    return before;
  }

  /** Other tests of the module share the JVM and may read the driver's log. */
  private static void restoreDriverLog(Level level) {
    ((Logger) LoggerFactory.getLogger(RaftDriver.class)).setLevel(level);
  }

  private static String failureReport(long seed, Throwable error, ClusterEventLoop<?, ?> simulation,
      String replayCommand, int lines) {
    StringBuilder report = new StringBuilder();
    report.append("FAILED seed=").append(seed).append(" t=").append(simulation.now()).append(" error=")
        .append(error).append('\n');
    report.append("swarm=[").append(simulation.swarm()).append("]\n");
    report.append("replay: ").append(replayCommand).append(" -Dsim.seed=").append(seed).append('\n');
    report.append("last ").append(lines).append(" of ").append(simulation.trace().recorded()).append(" events:\n");
    for (String line : simulation.trace().tail(lines)) {
      report.append("  ").append(line).append('\n');
    }
    return report.toString();
  }
}
