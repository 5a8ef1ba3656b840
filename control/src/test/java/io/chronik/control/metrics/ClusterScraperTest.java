package io.chronik.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClusterScraperTest {
  private static TreeMap<Double, Double> buckets(double under1ms, double under10ms, double all) {
    return new TreeMap<>(Map.of(0.001, under1ms, 0.01, under10ms, Double.POSITIVE_INFINITY, all));
  }

  @Test
  void theFsyncP99IsTakenOverTheFsyncsSinceTheNodesLastScrape() {
    TreeMap<Double, Double> before = buckets(100, 100, 100);
    TreeMap<Double, Double> now = buckets(100, 200, 200); // 100 more, all between 1 and 10 ms
    assertThat(ClusterScraper.fsyncBaseline(before, now, false)).isSameAs(before);
    assertThat(PrometheusText.quantile(0.99, ClusterScraper.fsyncBaseline(before, now, false), now))
        .isGreaterThan(0.001).isLessThanOrEqualTo(0.01);
  }

  @Test
  void aFirstScrapeIsOnlyABaseline() {
    assertThat(ClusterScraper.fsyncBaseline(null, buckets(1, 2, 3), false)).isNull();
    assertThat(ClusterScraper.fsyncBaseline(new TreeMap<>(), buckets(1, 2, 3), false)).isNull();
    assertThat(ClusterScraper.fsyncBaseline(buckets(1, 2, 3), new TreeMap<>(), false)).as("no histogram").isNull();
  }

  @Test
  void aNodeSeenRestartedCountsFromZeroSoItsFirstScrapeAfterTheRestartIsAPoint() {
    TreeMap<Double, Double> beforeKill = buckets(500, 900, 1000);
    TreeMap<Double, Double> sinceRestart = buckets(0, 40, 40); // 40 fsyncs since the new process started
    TreeMap<Double, Double> baseline = ClusterScraper.fsyncBaseline(beforeKill, sinceRestart, true);
    assertThat(baseline).isEmpty();
    assertThat(PrometheusText.quantile(0.99, baseline, sinceRestart)).isGreaterThan(0.001).isLessThanOrEqualTo(0.01);
  }

  @Test
  void countersThatWentBackWithoutARestartSeenAreABaselineNotANegativeDelta() {
    assertThat(ClusterScraper.fsyncBaseline(buckets(500, 900, 1000), buckets(0, 40, 40), false)).isNull();
  }
}
