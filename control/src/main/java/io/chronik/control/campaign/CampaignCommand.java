package io.chronik.control.campaign;

import io.chronik.control.run.RunOptions;
import io.chronik.control.run.RunOutcome;
import io.chronik.control.run.TestRunner;
import java.io.IOException;
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
 * {@code chronik campaign --runs N [test options]}: the same test N times, each with a new seed
 * (drawn from the campaign seed, so {@code --seed} replays a whole campaign), each run in its own
 * folder inside {@code <time>-campaign/}, with summary.md and summary.edn rewritten after every run.
 * Exit code: the worst verdict (1 invalid, else 2 unknown or a run that failed, else 0); 3 for bad
 * arguments.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
    description = "Repeat chronik test with new seeds and summarise (exit: worst verdict; 0 valid, 1 invalid, "
        + "2 unknown, 3 bad arguments).")
public final class CampaignCommand implements Callable<Integer> {
  @Mixin RunOptions options;

  @Option(names = "--runs", defaultValue = "3", description = "Number of runs (default 3).")
  int runs;

  private CommandSpec spec;

  @Spec
  void describeRegistries(CommandSpec self) {
    this.spec = self;
    RunOptions.describeRegistries(self);
  }

  @Override
  public Integer call() throws IOException {
    String problem = options.problem();
    if (problem == null && runs < 1) {
      problem = "runs=" + runs + " reason=expected-at-least-1";
    }
    if (problem != null) {
      System.err.println("chronik campaign: " + problem);
      return 3;
    }
    long campaignSeed = options.seedOr(System.nanoTime());
    Path dir = TestRunner.newRunDir(options.runsDirectory(), "campaign");
    String args = testArguments();
    CampaignSummary summary = new CampaignSummary("Chronik campaign " + dir.getFileName() + " (seed " + campaignSeed
        + ")", args);
    System.err.printf("chronik campaign: dir=%s runs=%d seed=%d%n", dir, runs, campaignSeed);
    SplittableRandom seeds = new SplittableRandom(campaignSeed);
    for (int i = 1; i <= runs; i++) {
      long seed = seeds.nextLong() & Long.MAX_VALUE;
      System.err.printf("chronik campaign: run %d/%d seed=%d%n", i, runs, seed);
      summary.add(runOnce(dir, seed));
      write(dir, summary);
    }
    System.err.printf("chronik campaign: verdict=%s summary=%s%n", summary.worst(), dir.resolve("summary.md"));
    System.out.print(summary.markdown());
    return summary.worst().exitCode();
  }

  private CampaignSummary.Row runOnce(Path dir, long seed) {
    try {
      RunOutcome o = TestRunner.run(options.inDirectory(dir), seed, System.err);
      return new CampaignSummary.Row(dir.relativize(o.dir()).toString(), seed, o.verdict(), o.ops(), o.faults(),
          o.faultsByName(), null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      System.err.printf("chronik campaign: seed=%d reason=run-failed error=%s%n", seed, e);
      return new CampaignSummary.Row("-", seed, null, 0, 0, java.util.Map.of(), String.valueOf(e.getMessage()));
    }
  }

  /** The test options as given (without --runs, --seed, --runs-dir), for the summary and for replays. */
  private String testArguments() {
    List<String> words = new ArrayList<>();
    for (var opt : spec.options()) {
      String name = opt.longestName();
      if (opt.usageHelp() || opt.versionHelp() || List.of("--runs", "--seed", "--runs-dir").contains(name)) {
        continue;
      }
      Object v = opt.getValue();
      if (opt.arity().max() == 0) { // a flag: named when set, never followed by a value
        if (Boolean.TRUE.equals(v)) {
          words.add(name);
        }
      } else if (v != null) {
        String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : v.toString();
        words.add(name + " " + text);
      }
    }
    return String.join(" ", words);
  }

  private static void write(Path dir, CampaignSummary summary) throws IOException {
    Files.writeString(dir.resolve("summary.md"), summary.markdown(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("summary.edn"), summary.edn(), StandardCharsets.UTF_8);
  }
}
