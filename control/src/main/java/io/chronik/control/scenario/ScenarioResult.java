package io.chronik.control.scenario;

import io.chronik.verifier.report.Verdict;
import java.util.List;

/**
 * One scenario's outcome: the verdict (valid only if the run was valid and every claim held; invalid
 * if the run was or a claim failed; unknown if the run was), the run's verdict, each judged claim,
 * the run folder (relative to the summary) and seed; {@code error} when the run could not be carried
 * out or the scenario cannot run here (then no verdict).
 */
public record ScenarioResult(Scenario scenario, Verdict verdict, Verdict runVerdict, List<ScenarioCheck.Result> checks,
    String runDir, long seed, String error) {
  public ScenarioResult {
    checks = List.copyOf(checks);
  }

  /** The first own claim's measurement (e.g. the re-election time), the one the summary shows. */
  public String keyMeasurement() {
    // checks.get(0) is "every scheduled fault put in place"; the scenario's own claims follow
    return checks.size() > 1 ? checks.get(1).measurement() : checks.isEmpty() ? "-" : checks.get(0).measurement();
  }

  public long passed() {
    return checks.stream().filter(ScenarioCheck.Result::passed).count();
  }

  static Verdict judge(Verdict run, List<ScenarioCheck.Result> checks) {
    if (run == Verdict.INVALID || checks.stream().anyMatch(c -> !c.passed())) {
      return Verdict.INVALID;
    }
    return run;
  }
}
