package io.chronik.control.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in microseconds, reported in milliseconds. */
record LatencySummary(long count, double p50Ms, double p95Ms, double p99Ms, double p999Ms, double maxMs,
    double meanMs) {

  /** Values above this are recorded as this (one hour): a histogram must have a bound. */
  static final long HIGHEST_MICROS = 3_600_000_000L;

  static Histogram newHistogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  static long clampMicros(long micros) {
    return Math.max(0, Math.min(HIGHEST_MICROS, micros));
  }

  static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(95)),
        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getMean() / 1000.0);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50", p50Ms);
    m.put("p95", p95Ms);
    m.put("p99", p99Ms);
    m.put("p999", p999Ms);
    m.put("max", maxMs);
    m.put("mean", meanMs);
    return m;
  }

  String line() {
    return String.format(java.util.Locale.ROOT, "p50=%.2f p95=%.2f p99=%.2f p99.9=%.2f max=%.2f mean=%.2f (n=%d)",
        p50Ms, p95Ms, p99Ms, p999Ms, maxMs, meanMs, count);
  }
}
