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
  static final List<Chart> CHARTS = List.of(
      new Chart("raft_leader_elections_total", "elections", "Elections started per node (cumulative counter)",
          "elections"),
      new Chart("chronik_partitions_led", "leaders-per-node", "Partitions led per node", "partitions"),
      new Chart("chronik_partitions_under_replicated", "under-replicated",
          "Under-replicated partitions per node (as each node sees them)", "partitions"),
      new Chart("fsync_p99_ms", "fsync-p99", "fsync latency p99 per node (per scrape interval, from buckets)",
          "ms"));

  /** One plot: the file's series name, the report's chart key, its title and y unit. */
  record Chart(String series, String key, String title, String unit) {}

  /** Scrapes are a second apart: a longer silence means the node did not answer. */
  static final double GAP_SECONDS = 2.5;

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
        XYSeries s = series.computeIfAbsent(f[2], k -> new TreeMap<>())
            .computeIfAbsent(f[1], n -> new XYSeries(n, true, true));
        double seconds = Double.parseDouble(f[0]);
        if (s.getItemCount() > 0 && seconds - s.getMaxX() > GAP_SECONDS) {
          s.add(s.getMaxX() + GAP_SECONDS / 2, null); // a node without samples (down, paused): the line breaks
        }
        s.add(seconds, Double.parseDouble(f[3]));
      } catch (NumberFormatException e) {
        throw new IOException("file=" + file + " line=" + lineNo + " reason=malformed-number text=" + line, e);
      }
    }
    return Optional.of(new ClusterMetrics(series));
  }

  /** The points of {@code name} from {@code node} (null y where the line breaks), or null. */
  XYSeries series(String name, String node) {
    return series.getOrDefault(name, Map.of()).get(node);
  }

  /** Nodes with at least one sample of {@code name}. */
  public java.util.Set<String> nodes(String name) {
    return series.getOrDefault(name, Map.of()).keySet();
  }

  /** The charts, keyed for the report, for the series that have samples. */
  public Map<String, JFreeChart> charts(Timeline t) {
    Map<String, JFreeChart> out = new LinkedHashMap<>();
    for (Chart c : CHARTS) {
      Map<String, XYSeries> byNode = series.get(c.series());
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
      NumberAxis y = new NumberAxis(c.unit());
      if (!c.unit().equals("ms")) {
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // counts: no 2.2 partitions
      }
      XYPlot plot = new XYPlot(data, x, y, r);
      RunCharts.shadeFaults(plot, t);
      out.put(c.key(), RunCharts.chart(c.title() + " — scraped from each broker's /metrics about every second", plot));
    }
    return out;
  }
}
