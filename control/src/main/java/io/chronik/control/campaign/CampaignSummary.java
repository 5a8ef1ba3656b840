package io.chronik.control.campaign;

import io.chronik.verifier.report.EdnText;
import io.chronik.verifier.report.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import us.bpsm.edn.Keyword;

/**
 * A campaign's table: one row per run (folder, seed, verdict, ops, faults), rendered as Markdown for
 * people and EDN for programs, and the campaign's verdict: the worst of its runs (invalid before
 * unknown before valid). A run that could not be carried out has no verdict and counts as unknown.
 */
public final class CampaignSummary {
  /**
   * One run; {@code verdict} null when the run failed before a verdict ({@code error} says why);
   * {@code faultsByName}: faults put in place per registered fault name.
   */
  public record Row(String runDir, long seed, Verdict verdict, long ops, long faults, Map<String, Long> faultsByName,
      String error) {
    public Row {
      faultsByName = Map.copyOf(faultsByName);
    }
  }

  private final String title;
  private final String options;
  private final List<Row> rows = new ArrayList<>();

  public CampaignSummary(String title, String options) {
    this.title = title;
    this.options = options;
  }

  public void add(Row row) {
    rows.add(row);
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Invalid if any run is, else unknown if any run is unknown or failed, else valid (no runs: unknown). */
  public Verdict worst() {
    if (rows.isEmpty()) {
      return Verdict.UNKNOWN;
    }
    Verdict worst = Verdict.VALID;
    for (Row r : rows) {
      Verdict v = r.verdict() == null ? Verdict.UNKNOWN : r.verdict();
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
    StringBuilder b = new StringBuilder();
    b.append("# ").append(title).append("\n\n");
    b.append("Options: `").append(options).append("`\n\n");
    b.append("| # | run | seed | verdict | ops | faults | report |\n");
    b.append("|---|-----|------|---------|-----|--------|--------|\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      String verdict = r.verdict() == null ? "ERROR: " + r.error().replace('|', '/').replace('\n', ' ') : r.verdict().name();
      b.append("| ").append(i + 1).append(" | ").append(r.runDir()).append(" | ").append(r.seed()).append(" | ")
          .append(verdict).append(" | ").append(r.ops()).append(" | ").append(faultCell(r)).append(" | ")
          .append(r.verdict() == null ? "-" : "[report](" + r.runDir() + "/report.html)").append(" |\n");
    }
    Map<String, Long> perFault = perFault();
    if (!perFault.isEmpty()) {
      b.append("\nFaults put in place, per fault: ").append(counts(perFault)).append("\n");
    }
    Verdict w = worst();
    b.append("\nCampaign verdict (worst run): **").append(w).append("** (exit ").append(w.exitCode()).append(")\n");
    b.append("\nReplay one run: `chronik test ").append(options).append(" --seed <seed>`\n");
    return b.toString();
  }

  public String edn() {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    m.put(kw("title"), title);
    m.put(kw("options"), options);
    m.put(kw("valid?"), worst().ednValid());
    List<Object> runs = new ArrayList<>();
    for (Row r : rows) {
      Map<Keyword, Object> run = new LinkedHashMap<>();
      run.put(kw("dir"), r.runDir());
      run.put(kw("seed"), r.seed());
      run.put(kw("valid?"), r.verdict() == null ? kw("unknown") : r.verdict().ednValid());
      run.put(kw("ops"), r.ops());
      run.put(kw("faults"), r.faults());
      run.put(kw("faults-by-name"), new TreeMap<>(r.faultsByName()));
      if (r.error() != null) {
        run.put(kw("error"), r.error());
      }
      runs.add(run);
    }
    m.put(kw("runs"), runs);
    m.put(kw("faults-by-name"), perFault());
    return EdnText.format(m) + "\n";
  }

  /** Faults put in place over every run, per fault name, sorted. */
  public Map<String, Long> perFault() {
    Map<String, Long> sum = new TreeMap<>();
    rows.forEach(r -> r.faultsByName().forEach((name, n) -> sum.merge(name, n, Long::sum)));
    return sum;
  }

  private static String faultCell(Row r) {
    return r.faultsByName().isEmpty() ? Long.toString(r.faults()) : r.faults() + ": " + counts(r.faultsByName());
  }

  private static String counts(Map<String, Long> byName) {
    return String.join(", ", new TreeMap<>(byName).entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .toList());
  }

  private static Keyword kw(String name) {
    return Keyword.newKeyword(name);
  }
}
