package io.chronik.verifier.report;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The cluster's own view of a run: the samples the control node scraped from every broker's
 * {@code /metrics} ({@code cluster-metrics.csv}: {@code seconds,node,series,value}, seconds in the
 * history's time base), drawn on the same time axis as the client plots with faults shaded.
 */
public final class ClusterMetrics {
  public static final String FILE = "cluster-metrics.csv";
  /** Series plotted, with chart key and title, in report order. */
  static final List<String[]> CHARTS = List.of(
      new String[] {"raft_leader_elections_total", "elections", "Elections started per node (cumulative counter)",
          "elections"},
      new String[] {"chronik_partitions_led", "leaders-per-node", "Partitions led per node", "partitions"},
      new String[] {"chronik_partitions_under_replicated", "under-replicated",
          "Under-replicated partitions per node (as each node sees them)", "partitions"},
      new String[] {"fsync_p99_ms", "fsync-p99", "fsync latency p99 per node (per scrape interval, from buckets)",
          "ms"});

  /** series → node → points. */
  private final Map<String, Map<String, XYSeries>> series;

  private ClusterMetrics(Map<String, Map<String, XYSeries>> series) {
    this.series = series;
  }

  /** The metrics file of {@code dir}, empty when the run wrote none. */
  public static Optional<ClusterMetrics> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Map<String, Map<String, XYSeries>> series = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      if (lineNo == 1 || line.isBlank()) {
        continue; // header
      }
      String[] f = line.split(",");
      if (f.length != 4) {
        throw new IOException("file=" + file + " line=" + lineNo + " reason=expected-4-fields text=" + line);
      }
      try {
        series.computeIfAbsent(f[2], k -> new TreeMap<>())
            .computeIfAbsent(f[1], n -> new XYSeries(n, true, true))
            .add(Double.parseDouble(f[0]), Double.parseDouble(f[3]));
      } catch (NumberFormatException e) {
        throw new IOException("file=" + file + " line=" + lineNo + " reason=malformed-number text=" + line, e);
      }
    }
    return Optional.of(new ClusterMetrics(series));
  }

  /** Nodes with at least one sample of {@code name}. */
  public java.util.Set<String> nodes(String name) {
    return series.getOrDefault(name, Map.of()).keySet();
  }

  /** The charts, keyed for the report, for the series that have samples. */
  public Map<String, JFreeChart> charts(Timeline t) {
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    for (String[] c : CHARTS) {
      Map<String, XYSeries> byNode = series.get(c[0]);
      if (byNode == null || byNode.isEmpty()) {
        continue;
      }
      XYSeriesCollection data = new XYSeriesCollection();
      byNode.values().forEach(data::addSeries);
      XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
      for (int i = 0; i < data.getSeriesCount(); i++) {
        r.setSeriesStroke(i, new BasicStroke(1.6f));
        r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
      }
      NumberAxis x = new NumberAxis("time (s)");
      double end = Math.max(RunCharts.endNanos(t) / 1e9, data.getDomainUpperBound(false));
      x.setRange(0, end); // the client plots' time axis: a fault at 12 s is at 12 s in every plot
      XYPlot plot = new XYPlot(data, x, new NumberAxis(c[3]), r);
      RunCharts.shadeFaults(plot, t);
      out.put(c[1], RunCharts.chart(c[2] + " — scraped from each broker's /metrics about every second", plot));
    }
    return out;
  }
}
