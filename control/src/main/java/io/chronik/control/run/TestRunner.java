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

  /** {@code --hosts auto}: lab hosts when this machine can make them, else local processes. */
  static final String AUTO = "auto";
  private static final int AUTO_LAB_NODES = 3;

  /**
   * The README's main job: with root and network namespaces, a 3-host lab (brought up for this run
   * and taken down after, or an existing one reused and left up) with partitions, kills and pauses;
   * otherwise a local 3-process cluster with kills and pauses only, and the console says why.
   */
  private static RunOutcome runAuto(RunOptions options, long seed, PrintStream console) throws Exception {
    java.util.Optional<String> unavailable = io.chronik.control.lab.LabPreflight.unavailableReason();
    java.util.List<String> missing = io.chronik.control.lab.LabPreflight.missingPackages();
    if (unavailable.isPresent() && io.chronik.control.lab.LabPackages.shouldInstall(
        io.chronik.control.lab.LabPreflight.root(), missing, options.noInstall)) {
      java.util.Optional<String> failed = io.chronik.control.lab.LabPackages.install(missing, console);
      failed.ifPresent(reason -> console.printf("chronik test: installing lab packages failed %s%n", reason));
      unavailable = io.chronik.control.lab.LabPreflight.unavailableReason();
    }
    if (unavailable.isPresent() && options.database() != Database.CHRONIK) {
      throw new IllegalStateException("db=" + options.database().label() + " reason=lab-hosts-unavailable ("
          + unavailable.get() + "; local runs start Chronik processes only)");
    }
    if (unavailable.isPresent()) {
      console.printf("chronik test: lab hosts unavailable (%s): local broker processes, process faults only%n",
          unavailable.get());
      options.hosts = null;
      return run(options, seed, console);
    }
    io.chronik.control.lab.Lab lab = new io.chronik.control.lab.Lab(
        options.labDir != null ? options.labDir : io.chronik.control.lab.Lab.DEFAULT_DIR, "chronik");
    boolean ours = !lab.isUp();
    if (ours) {
      console.printf("chronik test: bringing up a %d-host lab in %s (taken down after the run)%n", AUTO_LAB_NODES,
          lab.dir());
      lab.up(AUTO_LAB_NODES, io.chronik.control.lab.Lab.DEFAULT_SUBNET);
    }
    options.hosts = "lab:" + Math.min(AUTO_LAB_NODES, lab.inventory().hosts().size());
    try {
      return run(options, seed, console);
    } finally {
      if (ours) {
        lab.down();
      }
    }
  }

  /** One run with {@code seed}; {@code options} must be valid ({@link RunOptions#problem()} null). */
  public static RunOutcome run(RunOptions options, long seed, PrintStream console) throws Exception {
    if (AUTO.equals(options.hosts)) {
      return runAuto(options, seed, console);
    }
    if (options.hosts != null) {
      HostsRun.resolve(HostsTarget.parse(options.hosts), options.labDir); // no lab, no run folder
    }
    Path runDir = newRunDir(options.runsDirOrDefault(), options.runName());
    console.printf("chronik test: run=%s seed=%d time=%ds db=%s workload=%s faults=%s hosts=%s%n", runDir, seed,
        options.timeSeconds, options.database().label(), options.workload, options.faultsOrDefault(),
        options.hosts == null ? "local broker processes (network partitions need --hosts)" : options.hosts);
    RunOutcome outcome = options.hosts == null
        ? LocalRun.run(options, seed, runDir, console)
        : HostsRun.run(options, seed, runDir, console);
    console.printf("chronik test: verdict=%s run=%s seed=%d ops=%d faults=%d%n", outcome.verdict(), runDir, seed,
        outcome.ops(), outcome.faults());
    return outcome;
  }
}
