package io.chronik.control.scenario;

import io.chronik.control.run.RunOptions;
import io.chronik.control.run.TestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chronik scenarios}: every scenario of {@link ScenarioCatalog} (or those {@code --only}
 * names) in turn on the chosen hosts, each in its own run folder inside {@code <time>-scenarios/},
 * with summary.md and summary.json rewritten after each. Exit code: the worst verdict (1 invalid,
 * else 2 unknown or not run, else 0); 3 for bad arguments.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
    description = "Run the named scenarios (fixed fault schedules with checked claims) one after another and write "
        + "one summary table (exit: worst verdict; 0 valid, 1 invalid, 2 unknown, 3 bad arguments).")
public final class ScenariosCommand implements Callable<Integer> {
  @Mixin RunOptions options;

  @Option(names = "--only", split = ",", description = "Scenarios to run, in this order (default: all).")
  List<String> only;

  @Option(names = "--list", description = "List the scenarios and exit.")
  boolean list;

  private CommandSpec spec;

  @Spec
  void describe(CommandSpec self) {
    this.spec = self;
    describeCatalog(self);
  }

  /** Adds every scenario, with its help, to a command's help. */
  public static void describeCatalog(CommandSpec command) {
    List<String> footer = new ArrayList<>(List.of("", "Scenarios (name, group, faults, seconds):"));
    ScenarioCatalog.table().lines().forEach(footer::add);
    footer.add("");
    footer.add("A scenario fixes faults, schedule, time and workload: --faults, --time, --workload, --partition-shapes,");
    footer.add("--partitions, --acks and --name are refused with it.");
    command.usageMessage().footer(footer.stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
  }

  /** Why the given options clash with scenarios (options a scenario fixes), or null. */
  public static String fixedOptionGiven(CommandSpec command) {
    for (String fixed : List.of("--faults", "--time", "--workload", "--partition-shapes", "--partitions", "--acks",
        "--name", "--producers", "--clients", "--nodes")) {
      if (command.commandLine().getParseResult().hasMatchedOption(fixed)) {
        return "option=" + fixed + " reason=fixed-by-the-scenario";
      }
    }
    return null;
  }

  @Override
  public Integer call() throws Exception {
    if (list) {
      System.out.print(ScenarioCatalog.table());
      return 0;
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String name : only != null ? only : ScenarioCatalog.names()) {
      var found = ScenarioCatalog.find(name);
      if (found.isEmpty()) {
        System.err.println("chronik scenarios: scenario=" + name + " reason=unknown known=" + ScenarioCatalog.names());
        return 3;
      }
      chosen.add(found.get());
    }
    String problem = options.problem() != null ? options.problem() : fixedOptionGiven(spec);
    if (problem != null) {
      System.err.println("chronik scenarios: " + problem);
      return 3;
    }
    long seed = options.seedOr(System.nanoTime());
    Path dir = TestRunner.newRunDir(options.runsDirectory(), "scenarios");
    ScenarioSummary summary = ScenarioSummary.of("Chronik scenarios " + dir.getFileName() + " (seed " + seed + ")",
        List.of());
    System.err.printf("chronik scenarios: dir=%s scenarios=%d seed=%d%n", dir, chosen.size(), seed);
    SplittableRandom seeds = new SplittableRandom(seed);
    for (Scenario s : chosen) {
      long runSeed = seeds.nextLong() & Long.MAX_VALUE;
      summary.add(runOne(s, dir, runSeed));
      Files.writeString(dir.resolve("summary.md"), summary.markdown(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("summary.json"), summary.json(), StandardCharsets.UTF_8);
    }
    System.err.printf("chronik scenarios: verdict=%s summary=%s%n", summary.worst(), dir.resolve("summary.md"));
    System.out.print(summary.markdown());
    return summary.worst().exitCode();
  }

  private ScenarioResult runOne(Scenario s, Path dir, long seed) {
    try {
      return ScenarioRun.run(s, options, dir, seed, System.err);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.err.printf("chronik scenarios: scenario=%s seed=%d reason=run-failed error=%s%n", s.name(), seed, e);
      return new ScenarioResult(s, null, null, List.of(), "-", seed, "run-failed: " + e.getMessage());
    }
  }
}
