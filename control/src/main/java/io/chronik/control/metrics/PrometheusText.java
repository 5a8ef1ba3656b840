package io.chronik.control.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The few series a run report plots, read from a broker's Prometheus text exposition (format 0.0.4).
 * Parsed by hand rather than with a client library: we read four unlabelled-but-for-{@code node_id}
 * series and one histogram's buckets, and a scrape line is {@code name{labels} value}.
 */
public final class PrometheusText {
  private PrometheusText() {}

  /** One sample line: name, the value of its {@code le} label (null when absent), value. */
  public record Sample(String name, String le, double value) {}

  /** Samples of the named series (and for a histogram {@code name_bucket}); comments and others skipped. */
  public static List<Sample> parse(String text, java.util.Set<String> names) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("reason=malformed-sample line=" + line);
      }
      int nameEnd = brace >= 0 && brace < space ? brace : space;
      String name = line.substring(0, nameEnd);
      if (!names.contains(name)) {
        continue;
      }
      int valueStart = brace >= 0 && brace < space ? line.indexOf('}', brace) + 1 : space;
      if (valueStart <= 0) {
        throw new IllegalArgumentException("reason=unclosed-labels line=" + line);
      }
      String le = brace >= 0 && brace < space ? label(line.substring(brace + 1, valueStart - 1), "le") : null;
      String[] rest = line.substring(valueStart).trim().split(" ");
      out.add(new Sample(name, le, value(rest[0], line)));
    }
    return out;
  }

  private static double value(String s, String line) {
    switch (s) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default:
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("reason=malformed-value line=" + line, e);
        }
    }
  }

  private static String label(String labels, String key) {
    for (String pair : labels.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(key)) {
        String v = pair.substring(eq + 1).trim();
        return v.length() >= 2 && v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
      }
    }
    return null;
  }

  /** Cumulative bucket counts by upper bound ({@code le}) of {@code histogram}'s {@code _bucket} samples. */
  public static TreeMap<Double, Double> buckets(List<Sample> samples, String histogram) {
    TreeMap<Double, Double> out = new TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(histogram + "_bucket") && s.le() != null) {
        out.merge(value(s.le(), s.le()), s.value(), Double::sum);
      }
    }
    return out;
  }

  /**
   * The q-quantile of the observations between two scrapes of a cumulative histogram, as
   * Prometheus' {@code histogram_quantile} estimates it: linear within the bucket the rank falls in;
   * the highest finite bound when it falls in {@code +Inf}. NaN when nothing was observed between.
   */
  public static double quantile(double q, Map<Double, Double> before, TreeMap<Double, Double> after) {
    double total = 0;
    TreeMap<Double, Double> delta = new TreeMap<>();
    for (Map.Entry<Double, Double> b : after.entrySet()) {
      double d = b.getValue() - before.getOrDefault(b.getKey(), 0.0);
      delta.put(b.getKey(), d);
      total = Math.max(total, d);
    }
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> b : delta.entrySet()) {
      if (b.getValue() >= rank) {
        if (b.getKey() == Double.POSITIVE_INFINITY) {
          return lowerBound;
        }
        double inBucket = b.getValue() - lowerCount;
        return inBucket <= 0 ? b.getKey() : lowerBound + (b.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = b.getKey();
      lowerCount = b.getValue();
    }
    return lowerBound;
  }
}
