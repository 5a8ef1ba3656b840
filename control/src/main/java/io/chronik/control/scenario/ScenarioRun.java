package io.chronik.control.scenario;

import io.chronik.control.run.RunOptions;
import io.chronik.control.run.RunOutcome;
import io.chronik.control.run.TestRunner;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one scenario as a {@code chronik test} run whose faults follow the scenario's fixed schedule,
 * then judges every claim from the run's history and writes them into the run folder
 * ({@code scenario.md}).
 */
public final class ScenarioRun {
  private ScenarioRun() {}

  /** Runs {@code scenario} with {@code base}'s target options, its run folder in {@code dir}. */
  public static ScenarioResult run(Scenario scenario, RunOptions base, Path dir, long seed, PrintStream console)
      throws Exception {
    String problem = problem(scenario, base);
    if (problem != null) {
      return new ScenarioResult(scenario, null, null, List.of(), "-", seed, problem);
    }
    console.printf("chronik scenario: name=%s faults=%s time=%ds seed=%d%n", scenario.name(), scenario.faults(),
        scenario.timeSeconds(), seed);
    RunOptions options = base.forScenario(dir, scenario.name(), scenario.faults(), scenario.shapes(),
        scenario.timeSeconds(), (s, nodes, durationMillis, timing) -> scenario.plan(s, nodes));
    RunOutcome outcome = TestRunner.run(options, seed, console);
    List<ScenarioCheck.Result> results = judge(scenario, outcome.dir());
    for (ScenarioCheck.Result r : results) {
      console.printf("chronik scenario: %s %s: %s%n", r.passed() ? "PASS" : "FAIL", r.claim(), r.measurement());
    }
    ScenarioResult result = new ScenarioResult(scenario, ScenarioResult.judge(outcome.verdict(), results),
        outcome.verdict(), results, dir.relativize(outcome.dir()).toString(), seed, null);
    ScenarioResult here = new ScenarioResult(scenario, result.verdict(), result.runVerdict(), results, ".", seed, null);
    Files.writeString(outcome.dir().resolve("scenario.md"), ScenarioSummary.of("Scenario " + scenario.name(),
        List.of(here)).markdown(), StandardCharsets.UTF_8);
    console.printf("chronik scenario: name=%s verdict=%s run-verdict=%s claims=%d/%d%n", scenario.name(),
        result.verdict(), outcome.verdict(), result.passed(), results.size());
    return result;
  }

  /** Why the scenario cannot run on {@code base}'s target (key=value), or null. */
  public static String problem(Scenario scenario, RunOptions base) {
    if (base.database() != io.chronik.control.run.Database.CHRONIK) {
      // their claims include Chronik's replica agreement, which Kafka's data dirs cannot answer
      return "db=" + base.database().label() + " reason=scenarios-run-against-chronik-only";
    }
    int nodes = base.knownNodes();
    return scenario.problem(nodes > 0 ? nodes : 3, base.site());
  }

  static List<ScenarioCheck.Result> judge(Scenario scenario, Path runDir) throws IOException {
    Path history = runDir.resolve("history.edn");
    ScenarioHistory h = ScenarioHistory.read(history);
    List<ScenarioCheck.Result> results = new ArrayList<>();
    for (ScenarioCheck check : scenario.allChecks()) {
      results.add(check.judge(h, runDir));
    }
    return results;
  }

  /** The verdict a caller exits with: the scenario's, or unknown when it did not run. */
  public static Verdict verdictOf(ScenarioResult r) {
    return r.verdict() == null ? Verdict.UNKNOWN : r.verdict();
  }
}
