package io.chronik.verifier.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's plots, drawn by JFreeChart headless: latency over time (raw points and windowed
 * quantiles), throughput over time, and a per-process timeline, each with the nemesis fault
 * intervals shaded. Huge histories are sampled to at most {@link #POINTS_MAX} raw points (every
 * n-th op; quantiles and rates always use every op), which the chart captions say.
 */
public final class RunCharts {
  static final int POINTS_MAX = 40_000;
  static final int WINDOWS = 120;
  static final int WIDTH = 1100;
  static final int HEIGHT = 420;
  private static final Color FAULT = new Color(255, 140, 0, 50);
  private static final double[] QUANTILES = {0.5, 0.95, 0.99, 1.0};

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private RunCharts() {}

  /** Ops to draw as raw points: every op when small, else an even stride. */
  static int stride(Timeline t) {
    return Math.max(1, (t.size() + POINTS_MAX - 1) / POINTS_MAX);
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }

  private static String seriesName(Timeline t, int op) {
    return t.f(op) + " " + Timeline.typeName(t.type(op));
  }

  static long endNanos(Timeline t) {
    long end = 1;
    for (int op = 0; op < t.size(); op++) {
      end = Math.max(end, t.completeNanos(op));
    }
    for (FaultInterval f : t.faults()) {
      end = Math.max(end, f.healed() ? f.endNanos() : f.startNanos());
    }
    return end;
  }

  public static JFreeChart latency(Timeline t) {
    Map<String, XYSeries> raw = new TreeMap<>();
    int stride = stride(t);
    long end = endNanos(t);
    List<List<Double>> windows = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      windows.add(new ArrayList<>());
    }
    for (int op = 0; op < t.size(); op++) {
      double ms = Math.max(0.001, (t.completeNanos(op) - t.invokeNanos(op)) / 1e6);
      if (t.type(op) == Timeline.OK) {
        windows.get(window(t.invokeNanos(op), end)).add(ms);
      }
      if (op % stride == 0) {
        String name = seriesName(t, op);
        raw.computeIfAbsent(name, n -> new XYSeries(n, false, true)).add(secs(t.invokeNanos(op)), ms, false);
      }
    }
    XYSeriesCollection points = new XYSeriesCollection();
    raw.values().forEach(points::addSeries);
    XYSeriesCollection quantiles = new XYSeriesCollection();
    for (double q : QUANTILES) {
      XYSeries s = new XYSeries(q == 1.0 ? "ok max" : "ok p" + Math.round(q * 100), false, true);
      for (int w = 0; w < WINDOWS; w++) {
        List<Double> l = windows.get(w);
        if (!l.isEmpty()) {
          double[] a = l.stream().mapToDouble(Double::doubleValue).toArray();
          Arrays.sort(a);
          s.add(secs(end) * (w + 0.5) / WINDOWS, a[Math.min(a.length - 1, (int) Math.floor(q * a.length))], false);
        }
      }
      quantiles.addSeries(s);
    }
    NumberAxis x = new NumberAxis("time (s)");
    LogAxis y = new LogAxis("latency (ms)");
    y.setSmallestValue(0.001);
    XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
    for (int i = 0; i < points.getSeriesCount(); i++) {
      dots.setSeriesShape(i, new Ellipse2D.Double(-1.5, -1.5, 3, 3));
      dots.setSeriesPaint(i, typeColor(points.getSeriesKey(i).toString(), i));
    }
    XYPlot plot = new XYPlot(quantiles, x, y, quantileRenderer());
    plot.setDataset(1, points);
    plot.setRenderer(1, dots);
    shadeFaults(plot, t);
    String title = "Latency over time (raw points" + (stride > 1 ? ", every " + stride + "th op" : "")
        + "; lines: ok quantiles per " + WINDOWS + "th of the run)";
    return chart(title, plot);
  }

  private static int window(long nanos, long end) {
    return (int) Math.min(WINDOWS - 1, Math.max(0, nanos * WINDOWS / Math.max(1, end)));
  }

  private static XYLineAndShapeRenderer quantileRenderer() {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    Color[] c = {new Color(0, 90, 200), new Color(120, 0, 160), new Color(200, 0, 90), Color.BLACK};
    for (int i = 0; i < c.length; i++) {
      r.setSeriesPaint(i, c[i]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
    return r;
  }

  /** ok greens/blues, fail reds, info oranges, so the type reads at a glance. */
  private static Color typeColor(String series, int i) {
    int shade = (i * 47) % 80;
    if (series.endsWith(" ok")) {
      return new Color(30 + shade, 140 + shade / 2, 60, 120);
    }
    if (series.endsWith(" fail")) {
      return new Color(220, 30 + shade / 2, 30, 160);
    }
    return new Color(230, 150 + shade / 2, 0, 160);
  }

  public static JFreeChart throughput(Timeline t) {
    long end = endNanos(t);
    Map<String, long[]> counts = new TreeMap<>();
    for (int op = 0; op < t.size(); op++) {
      counts.computeIfAbsent(seriesName(t, op), n -> new long[WINDOWS])[window(t.completeNanos(op), end)]++;
    }
    double windowSecs = secs(end) / WINDOWS;
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    int i = 0;
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      XYSeries s = new XYSeries(e.getKey(), false, true);
      for (int w = 0; w < WINDOWS; w++) {
        s.add(windowSecs * (w + 0.5), e.getValue()[w] / windowSecs, false);
      }
      data.addSeries(s);
      Color c = typeColor(e.getKey(), i);
      r.setSeriesPaint(i, new Color(c.getRed(), c.getGreen(), c.getBlue()));
      r.setSeriesStroke(i++, new BasicStroke(1.6f));
    }
    XYPlot plot = new XYPlot(data, new NumberAxis("time (s)"), new NumberAxis("completions / s"), r);
    shadeFaults(plot, t);
    return chart("Throughput over time (completions per " + WINDOWS + "th of the run, by f and type)", plot);
  }

  /** Ops drawn with their f as a label when the history is this small. */
  static final int LABELLED_OPS_MAX = 200;

  /** @param offending ops to draw in their own colour (those anomalies cite), always drawn */
  public static JFreeChart timeline(Timeline t, java.util.Set<Integer> offending) {
    Map<String, XYIntervalSeries> byType = new LinkedHashMap<>();
    for (String type : List.of("ok", "fail", "info", "offending")) {
      byType.put(type, new XYIntervalSeries(type));
    }
    List<List<String>> labels = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      labels.add(new ArrayList<>());
    }
    int stride = stride(t);
    for (int op = 0; op < t.size(); op++) {
      boolean bad = offending.contains(op);
      if (op % stride != 0 && !bad) {
        continue;
      }
      double p = t.process(op);
      String series = bad ? "offending" : Timeline.typeName(t.type(op));
      byType.get(series).add(secs(t.invokeNanos(op)), secs(t.invokeNanos(op)),
          secs(t.completeNanos(op)), p, p - 0.4, p + 0.4);
      labels.get(List.copyOf(byType.keySet()).indexOf(series)).add(t.f(op) + " " + Timeline.typeName(t.type(op)));
    }
    XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
    byType.values().forEach(data::addSeries);
    XYBarRenderer r = new XYBarRenderer();
    r.setUseYInterval(true);
    r.setBarPainter(new StandardXYBarPainter());
    r.setShadowVisible(false);
    r.setSeriesPaint(0, new Color(40, 160, 70));
    r.setSeriesPaint(1, new Color(210, 40, 40));
    r.setSeriesPaint(2, new Color(240, 160, 0));
    r.setSeriesPaint(3, new Color(130, 30, 200));
    if (t.size() <= LABELLED_OPS_MAX) {
      r.setDefaultItemLabelGenerator((dataset, series, item) -> labels.get(series).get(item));
      r.setDefaultItemLabelsVisible(true);
      r.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 10));
    }
    NumberAxis y = new NumberAxis("process");
    y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot = new XYPlot(data, new NumberAxis("time (s)"), y, r);
    shadeFaults(plot, t);
    return chart("Per-process timeline (bar = invocation to completion; purple = cited by an anomaly"
        + (stride > 1 ? "; every " + stride + "th op" : "") + ")", plot);
  }

  static void shadeFaults(XYPlot plot, Timeline t) {
    double end = secs(endNanos(t));
    // Intervals closer than a pixel apart are merged: thousands of markers would only draw noise.
    double pixel = end / WIDTH;
    java.util.Set<String> labelled = new java.util.HashSet<>();
    double from = Double.NaN;
    double to = Double.NaN;
    String name = null;
    for (FaultInterval f : t.faults()) {
      double s = secs(f.startNanos());
      double e = f.healed() ? secs(f.endNanos()) : end;
      if (name != null && s - to < pixel) {
        to = Math.max(to, e);
        continue;
      }
      if (name != null) {
        addMarker(plot, name, from, to, labelled);
      }
      name = f.fault();
      from = s;
      to = e;
    }
    if (name != null) {
      addMarker(plot, name, from, to, labelled);
    }
  }

  private static void addMarker(XYPlot plot, String fault, double from, double to, java.util.Set<String> labelled) {
    IntervalMarker m = new IntervalMarker(from, to);
    m.setPaint(FAULT);
    m.setOutlinePaint(null);
    if (labelled.add(fault)) {
      m.setLabel(fault + " (shaded)"); // once per fault kind: dozens of labels would overlap
      m.setLabelFont(new Font("SansSerif", Font.PLAIN, 10));
      m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    }
    plot.addDomainMarker(m, Layer.BACKGROUND);
  }

  static JFreeChart chart(String title, XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(220, 220, 220));
    plot.setRangeGridlinePaint(new Color(220, 220, 220));
    JFreeChart c = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 13), plot, true);
    c.setBackgroundPaint(Color.WHITE);
    return c;
  }

  public static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
