package io.chronik.broker.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.HdrHistogram.Histogram;

/**
 * A cumulative HdrHistogram (the pipeline's own recording, allocation-free on the hot path) as a
 * Prometheus classic histogram with fixed bucket bounds, so rates and histogram_quantile work on it.
 */
final class HdrBuckets {
  /** fsync latency bounds in seconds: 50 µs to 5 s. */
  static final double[] SYNC_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1, 0.25, 0.5, 1, 2.5, 5};
  /** Counts per batch (appends, entries): powers of two up to 4,096. */
  static final double[] COUNTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

  private HdrBuckets() {}

  /**
   * @param unit value of one recorded unit in the exported unit (1e-9 for nanoseconds to seconds)
   */
  static HistogramSnapshot.HistogramDataPointSnapshot point(Histogram h, double[] bounds, double unit, Labels labels) {
    double[] upper = new double[bounds.length + 1];
    long[] counts = new long[bounds.length + 1];
    long previous = 0;
    for (int i = 0; i < bounds.length; i++) {
      upper[i] = bounds[i];
      long atOrBelow = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, (long) Math.floor(bounds[i] / unit));
      counts[i] = atOrBelow - previous;
      previous = atOrBelow;
    }
    upper[bounds.length] = Double.POSITIVE_INFINITY;
    counts[bounds.length] = h.getTotalCount() - previous;
    double sum = h.getTotalCount() == 0 ? 0 : h.getMean() * h.getTotalCount() * unit;
    return HistogramSnapshot.HistogramDataPointSnapshot.builder()
        .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, counts)).sum(sum).labels(labels).build();
  }
}
