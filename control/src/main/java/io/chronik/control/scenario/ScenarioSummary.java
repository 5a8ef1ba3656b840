package io.chronik.control.scenario;

import io.chronik.verifier.report.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of a {@code chronik scenarios} run: one row per scenario (verdict, key measurement,
 * claims kept, run folder) and each scenario's claims below it; Markdown for people, JSON for
 * programs. The whole verdict is the worst row's (a scenario that could not run counts as unknown).
 */
public final class ScenarioSummary {
  private final String title;
  private final List<ScenarioResult> rows = new ArrayList<>();

  private ScenarioSummary(String title) {
    this.title = title;
  }

  public static ScenarioSummary of(String title, List<ScenarioResult> results) {
    ScenarioSummary s = new ScenarioSummary(title);
    s.rows.addAll(results);
    return s;
  }

  public void add(ScenarioResult result) {
    rows.add(result);
  }

  public List<ScenarioResult> rows() {
    return List.copyOf(rows);
  }

  /** Invalid if any scenario is, else unknown if any is unknown or did not run, else valid (none: unknown). */
  public Verdict worst() {
    if (rows.isEmpty()) {
      return Verdict.UNKNOWN;
    }
    Verdict worst = Verdict.VALID;
    for (ScenarioResult r : rows) {
      Verdict v = ScenarioRun.verdictOf(r);
      if (v == Verdict.INVALID) {
        return Verdict.INVALID;
      }
      if (v == Verdict.UNKNOWN) {
        worst = Verdict.UNKNOWN;
      }
    }
    return worst;
  }

  public String markdown() {
    StringBuilder b = new StringBuilder("# ").append(title).append("\n\n");
    b.append("| scenario | group | verdict | key measurement | claims kept | run |\n");
    b.append("|----------|-------|---------|-----------------|-------------|-----|\n");
    for (ScenarioResult r : rows) {
      String verdict = r.verdict() == null ? "NOT RUN: " + cell(r.error()) : r.verdict().name();
      b.append("| ").append(r.scenario().name()).append(" | ").append(r.scenario().group()).append(" | ")
          .append(verdict).append(" | ").append(cell(r.keyMeasurement())).append(" | ")
          .append(r.passed()).append('/').append(r.checks().size()).append(" | ")
          .append(r.verdict() == null ? "-" : "[" + r.runDir() + "](" + r.runDir() + "/report.html)").append(" |\n");
    }
    for (ScenarioResult r : rows) {
      if (r.checks().isEmpty()) {
        continue;
      }
      b.append("\n## ").append(r.scenario().name()).append(" (seed ").append(r.seed()).append(", run verdict ")
          .append(r.runVerdict()).append(")\n\n").append(r.scenario().help()).append("\n\n");
      for (ScenarioCheck.Result c : r.checks()) {
        b.append("- ").append(c.passed() ? "PASS" : "FAIL").append(' ').append(c.claim()).append(": `")
            .append(c.measurement()).append("`\n");
      }
    }
    b.append("\nVerdict: ").append(worst()).append('\n');
    return b.toString();
  }

  public String json() {
    StringBuilder b = new StringBuilder("{\"title\": ").append(str(title)).append(", \"verdict\": ")
        .append(str(worst().name())).append(", \"scenarios\": [");
    for (int i = 0; i < rows.size(); i++) {
      ScenarioResult r = rows.get(i);
      b.append(i == 0 ? "\n  " : ",\n  ").append("{\"name\": ").append(str(r.scenario().name()))
          .append(", \"group\": ").append(str(r.scenario().group()))
          .append(", \"faults\": [").append(String.join(", ", r.scenario().faults().stream().map(ScenarioSummary::str)
              .toList())).append(']')
          .append(", \"verdict\": ").append(r.verdict() == null ? "null" : str(r.verdict().name()))
          .append(", \"run_verdict\": ").append(r.runVerdict() == null ? "null" : str(r.runVerdict().name()))
          .append(", \"key_measurement\": ").append(str(r.keyMeasurement()))
          .append(", \"run_dir\": ").append(str(r.runDir())).append(", \"seed\": ").append(r.seed())
          .append(", \"error\": ").append(r.error() == null ? "null" : str(r.error())).append(", \"checks\": [");
      for (int j = 0; j < r.checks().size(); j++) {
        ScenarioCheck.Result c = r.checks().get(j);
        b.append(j == 0 ? "" : ", ").append("{\"claim\": ").append(str(c.claim())).append(", \"passed\": ")
            .append(c.passed()).append(", \"measurement\": ").append(str(c.measurement())).append('}');
      }
      b.append("]}");
    }
    return b.append("\n]}\n").toString();
  }

  private static String cell(String s) {
    return s.replace('|', '/').replace('\n', ' ');
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
