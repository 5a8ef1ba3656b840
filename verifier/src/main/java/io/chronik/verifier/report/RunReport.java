package io.chronik.verifier.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Writes a run's report into a directory: {@code report.html} (one self-contained file: verdict,
 * counts per anomaly, the offending operations, and the plots embedded as base64 PNG),
 * {@code results.edn} (the summary a program reads), and the plots again as PNG files under
 * {@code charts/} for quick viewing.
 */
public final class RunReport {
  /** Offending cases shown per anomaly type in the HTML (results.edn carries all kept cases). */
  static final int CASES_SHOWN_MAX = 12;
  /** Fault intervals listed in the HTML table (results.edn lists all). */
  static final int FAULT_ROWS_MAX = 50;

  private RunReport() {}

  public static void write(Path dir, String title, CheckResult result, Timeline timeline) throws IOException {
    Files.createDirectories(dir.resolve("charts"));
    Map<String, byte[]> charts = new LinkedHashMap<>();
    java.util.Set<Integer> offending = new java.util.HashSet<>();
    result.cases().forEach((type, cases) -> {
      if (!result.allowedTypes().contains(type)) {
        cases.forEach(a -> offending.addAll(a.opIds()));
      }
    });
    charts.put("timeline", RunCharts.png(RunCharts.timeline(timeline, offending)));
    charts.put("latency", RunCharts.png(RunCharts.latency(timeline)));
    charts.put("throughput", RunCharts.png(RunCharts.throughput(timeline)));
    java.util.Optional<ClusterMetrics> cluster = ClusterMetrics.read(dir);
    if (cluster.isPresent()) {
      cluster.get().charts(timeline).forEach((key, chart) -> charts.put(key, RunCharts.png(chart)));
    }
    for (Map.Entry<String, byte[]> c : charts.entrySet()) {
      Files.write(dir.resolve("charts").resolve(c.getKey() + ".png"), c.getValue());
    }
    Files.writeString(dir.resolve("results.edn"), EdnText.formatTopLevel(summary(result, timeline)),
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), html(title, result, timeline, charts), StandardCharsets.UTF_8);
  }

  private static Keyword kw(String s) {
    return Keyword.newKeyword(s);
  }

  /** EDN form of a detail map: string keys become keywords; nested values are already EDN data. */
  static Map<Keyword, Object> ednMap(Map<String, Object> m) {
    Map<Keyword, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(kw(k), v));
    return out;
  }

  static Map<Keyword, Object> summary(CheckResult r, Timeline t) {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    m.put(kw("valid?"), r.verdict().ednValid());
    m.put(kw("model"), kw(r.model()));
    m.put(kw("anomaly-types"), r.counts().keySet().stream().map(RunReport::kw).toList());
    m.put(kw("bad-anomaly-types"), r.badTypes().stream().map(RunReport::kw).toList());
    m.put(kw("allowed-anomaly-types"), r.allowedTypes().stream().map(RunReport::kw).toList());
    Map<Keyword, Object> counts = new LinkedHashMap<>();
    r.counts().forEach((k, v) -> counts.put(kw(k), v));
    m.put(kw("counts"), counts);
    Map<Keyword, Object> anomalies = new LinkedHashMap<>();
    r.cases().forEach((type, cases) -> {
      List<Object> list = new ArrayList<>();
      for (Anomaly a : cases) {
        Map<Keyword, Object> c = ednMap(a.detail());
        c.put(kw("ops"), a.opIds().stream().map(id -> (Object) ednMap(t.opEdn(id))).toList());
        list.add(c);
      }
      anomalies.put(kw(type), list);
    });
    m.put(kw("anomalies"), anomalies);
    Map<Keyword, Object> stats = ednMap(r.stats());
    stats.put(kw("client-ops"), (long) t.size());
    m.put(kw("stats"), stats);
    List<Object> faults = new ArrayList<>();
    for (FaultInterval f : t.faults()) {
      Map<Keyword, Object> fm = new LinkedHashMap<>();
      fm.put(kw("fault"), f.fault());
      fm.put(kw("start-nanos"), f.startNanos());
      fm.put(kw("end-nanos"), f.healed() ? f.endNanos() : null);
      if (!f.targets().isEmpty()) {
        fm.put(kw("targets"), f.targets());
      }
      faults.add(fm);
    }
    m.put(kw("faults"), faults);
    return m;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String html(String title, CheckResult r, Timeline t, Map<String, byte[]> charts) {
    StringBuilder b = new StringBuilder(1 << 16);
    String verdictColor = switch (r.verdict()) {
      case VALID -> "#1b8a3a";
      case INVALID -> "#c62828";
      case UNKNOWN -> "#b26a00";
    };
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;margin:24px;max-width:1200px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}")
        .append(".verdict{font-size:28px;font-weight:bold;color:#fff;padding:8px 16px;display:inline-block}")
        .append("pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;font-size:12px}")
        .append(".allowed{color:#777}.bad{color:#c62828;font-weight:bold}</style></head><body>\n");
    b.append("<h1>").append(esc(title)).append("</h1>\n");
    b.append("<div class=\"verdict\" style=\"background:").append(verdictColor).append("\">")
        .append(r.verdict()).append("</div>\n<p>model <b>").append(esc(r.model())).append("</b>, ")
        .append(t.size()).append(" client operations, ").append(t.faults().size()).append(" fault intervals</p>\n");
    b.append("<h2>Anomalies</h2>\n");
    if (r.counts().isEmpty()) {
      b.append("<p>None found.</p>\n");
    } else {
      b.append("<table><tr><th>type</th><th>cases</th><th>status</th></tr>\n");
      r.counts().forEach((type, n) -> {
        boolean allowed = r.allowedTypes().contains(type);
        b.append("<tr><td><a href=\"#").append(esc(type)).append("\">").append(esc(type)).append("</a></td><td>")
            .append(n).append("</td><td class=\"").append(allowed ? "allowed\">allowed" : "bad\">error")
            .append("</td></tr>\n");
      });
      b.append("</table>\n");
    }
    b.append("<h2>Stats</h2>\n<pre>").append(esc(EdnText.format(ednMap(r.stats())))).append("</pre>\n");
    r.cases().forEach((type, cases) -> {
      b.append("<h2 id=\"").append(esc(type)).append("\">").append(esc(type)).append(" (")
          .append(r.counts().get(type)).append(")</h2>\n");
      for (Anomaly a : cases.subList(0, Math.min(CASES_SHOWN_MAX, cases.size()))) {
        b.append("<pre>").append(esc(EdnText.format(ednMap(a.detail()))));
        for (int op : a.opIds()) {
          b.append("\n  ").append(esc(EdnText.format(ednMap(t.opEdn(op)))));
        }
        b.append("</pre>\n");
      }
    });
    for (Map.Entry<String, byte[]> c : charts.entrySet()) {
      b.append("<h2>").append(esc(c.getKey())).append("</h2>\n<img alt=\"").append(esc(c.getKey()))
          .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(c.getValue()))
          .append("\">\n");
    }
    if (!t.faults().isEmpty()) {
      b.append("<h2>Faults</h2>\n<table><tr><th>fault</th><th>nodes</th><th>start (s)</th><th>end (s)</th></tr>\n");
      List<FaultInterval> faults = t.faults();
      for (FaultInterval f : faults.subList(0, Math.min(FAULT_ROWS_MAX, faults.size()))) {
        b.append("<tr><td>").append(esc(f.fault())).append("</td><td>").append(esc(f.targets())).append("</td><td>")
            .append(String.format("%.3f", f.startNanos() / 1e9)).append("</td><td>")
            .append(f.healed() ? String.format("%.3f", f.endNanos() / 1e9) : "never healed").append("</td></tr>\n");
      }
      b.append("</table>\n");
      if (faults.size() > FAULT_ROWS_MAX) {
        b.append("<p>... and ").append(faults.size() - FAULT_ROWS_MAX).append(" more (all in results.edn)</p>\n");
      }
    }
    b.append("</body></html>\n");
    return b.toString();
  }
}
