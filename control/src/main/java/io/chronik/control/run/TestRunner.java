package io.chronik.control.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Runs one verified test with given options and seed: locally or against hosts. */
public final class TestRunner {
  private TestRunner() {}

  /** A fresh run folder {@code <base>/<yyyyMMddTHHmmss>-<name>}, suffixed -2, -3... if taken. */
  public static Path newRunDir(Path base, String name) throws IOException {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT));
    Files.createDirectories(base);
    Path dir = base.resolve(stamp + "-" + name);
    for (int i = 2; Files.exists(dir); i++) {
      dir = base.resolve(stamp + "-" + name + "-" + i);
    }
    return Files.createDirectories(dir);
  }

  /** One run with {@code seed}; {@code options} must be valid ({@link RunOptions#problem()} null). */
  public static RunOutcome run(RunOptions options, long seed, PrintStream console) throws Exception {
    if (options.hosts != null) {
      HostsRun.resolve(HostsTarget.parse(options.hosts), options.labDir); // no lab, no run folder
    }
    Path runDir = newRunDir(options.runsDirOrDefault(), options.runName());
    console.printf("chronik test: run=%s seed=%d time=%ds workload=%s faults=%s hosts=%s%n", runDir, seed,
        options.timeSeconds, options.workload, options.faultsOrDefault(),
        options.hosts == null ? "local broker process (network partitions need --hosts)" : options.hosts);
    RunOutcome outcome = options.hosts == null
        ? LocalRun.run(options, seed, runDir, console)
        : HostsRun.run(options, seed, runDir, console);
    console.printf("chronik test: verdict=%s run=%s seed=%d ops=%d faults=%d%n", outcome.verdict(), runDir, seed,
        outcome.ops(), outcome.faults());
    return outcome;
  }
}
