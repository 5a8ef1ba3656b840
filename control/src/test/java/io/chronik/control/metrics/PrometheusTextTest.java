package io.chronik.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final Set<String> NAMES = Set.of("raft_leader_elections_total", "chronik_partitions_led",
      "chronik_partitions_under_replicated", "chronik_fsync_duration_seconds_bucket");

  @Test
  void aRealBrokerExpositionYieldsTheScrapedSeriesOnly() throws Exception {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/metrics/broker-node0.prom")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<PrometheusText.Sample> samples = PrometheusText.parse(text, NAMES);
    assertThat(samples).extracting(PrometheusText.Sample::name).containsOnlyElementsOf(NAMES);
    assertThat(samples).filteredOn(s -> s.name().equals("chronik_partitions_led")).hasSize(1);
    assertThat(samples).filteredOn(s -> s.name().equals("raft_leader_elections_total")).hasSize(1);
    TreeMap<Double, Double> buckets = PrometheusText.buckets(samples, "chronik_fsync_duration_seconds");
    assertThat(buckets.firstKey()).isEqualTo(5.0E-5);
    assertThat(buckets.lastKey()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(buckets.get(Double.POSITIVE_INFINITY)).isEqualTo(5.0);
  }

  @Test
  void labelsValuesAndCommentsAreParsed() {
    String text = "# HELP x y\n# TYPE chronik_partitions_led gauge\n"
        + "chronik_partitions_led{node_id=\"2\"} 3.0\n"
        + "chronik_partitions_led_other{node_id=\"2\"} 9\n"
        + "raft_leader_elections_total 7\n"
        + "chronik_fsync_duration_seconds_bucket{node_id=\"2\",le=\"+Inf\"} 11\n";
    List<PrometheusText.Sample> s = PrometheusText.parse(text, NAMES);
    assertThat(s).containsExactly(new PrometheusText.Sample("chronik_partitions_led", null, 3.0),
        new PrometheusText.Sample("raft_leader_elections_total", null, 7.0),
        new PrometheusText.Sample("chronik_fsync_duration_seconds_bucket", "+Inf", 11.0));
  }

  @Test
  void malformedLinesAreRejectedWithTheLine() {
    assertThatThrownBy(() -> PrometheusText.parse("chronik_partitions_led{node_id=\"1\"} abc\n", NAMES))
        .hasMessageContaining("reason=malformed-value").hasMessageContaining("abc");
    assertThatThrownBy(() -> PrometheusText.parse("chronik_partitions_led\n", NAMES))
        .hasMessageContaining("reason=malformed-sample");
  }

  private static TreeMap<Double, Double> cumulative(double... leAndCount) {
    TreeMap<Double, Double> m = new TreeMap<>();
    for (int i = 0; i < leAndCount.length; i += 2) {
      m.put(leAndCount[i], leAndCount[i + 1]);
    }
    return m;
  }

  @Test
  void p99IsInterpolatedWithinTheBucketOfTheDeltaBetweenScrapes() {
    // before: 100 fast syncs; between the scrapes: 90 in (0, 1 ms], 10 in (1 ms, 10 ms]
    TreeMap<Double, Double> before = cumulative(0.001, 100, 0.01, 100, Double.POSITIVE_INFINITY, 100);
    TreeMap<Double, Double> after = cumulative(0.001, 190, 0.01, 200, Double.POSITIVE_INFINITY, 200);
    // rank 99 of 100: 9 of the 10 in (1, 10] ms -> 1 + 9 * 0.9 = 9.1 ms
    assertThat(PrometheusText.quantile(0.99, before, after)).isCloseTo(0.0091, within(1e-9));
    // rank 50: within the first bucket, from 0 -> 50/90 of 1 ms
    assertThat(PrometheusText.quantile(0.5, before, after)).isCloseTo(0.001 * 50 / 90, within(1e-9));
  }

  @Test
  void p99InTheInfBucketIsTheHighestFiniteBoundAndNothingObservedIsNaN() {
    TreeMap<Double, Double> after = cumulative(0.001, 1, 5.0, 1, Double.POSITIVE_INFINITY, 100);
    assertThat(PrometheusText.quantile(0.99, Map.of(), after)).isEqualTo(5.0);
    assertThat(PrometheusText.quantile(0.99, after, after)).isNaN();
  }
}
