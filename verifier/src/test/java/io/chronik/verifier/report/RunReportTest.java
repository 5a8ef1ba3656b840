package io.chronik.verifier.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.kafka.KafkaCheckOptions;
import io.chronik.verifier.kafka.KafkaChecker;
import io.chronik.verifier.kafka.KafkaHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parsers;

class RunReportTest {
  @Test
  void reportOfAnInvalidRunEmbedsPlotsAndListsTheOffendingOps() throws Exception {
    KafkaHistory h = KafkaHistory.read(Path.of("..", "histories", "fixtures", "kafka", "lost-write.edn"));
    CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults());
    Path dir = Path.of("target", "report-test", "lost-write");
    RunReport.write(dir, "lost-write fixture", r, h);

    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("INVALID", "lost-write", "data:image/png;base64,", ":send 0 [0 1]");
    assertThat(html).doesNotContain("src=\"charts/");
    for (String chart : new String[] {"timeline", "latency", "throughput"}) {
      byte[] png = Files.readAllBytes(dir.resolve("charts").resolve(chart + ".png"));
      assertThat(png).hasSizeGreaterThan(5_000);
      assertThat(png[1]).isEqualTo((byte) 'P');
    }
    Map<?, ?> edn = (Map<?, ?>) Parsers.newParser(Parsers.defaultConfiguration())
        .nextValue(Parsers.newParseable(Files.readString(dir.resolve("results.edn"))));
    assertThat(edn.get(Keyword.newKeyword("valid?"))).isEqualTo(false);
    assertThat(((Map<?, ?>) edn.get(Keyword.newKeyword("counts"))).get(Keyword.newKeyword("lost-write"))).isEqualTo(1L);
  }

  @Test
  void faultIntervalsAreDerivedFromNemesisOpsAndShaded() throws Exception {
    KafkaHistory h = KafkaHistory.read(Path.of("..", "histories", "fixtures", "kafka", "crashed-sends-valid.edn"));
    assertThat(h.faults()).containsExactly(new FaultInterval("partition", 0, 11_000_000));
    CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults().withUnseenIsError(true));
    Path dir = Path.of("target", "report-test", "crashed-sends-valid");
    RunReport.write(dir, "crashed sends", r, h);
    assertThat(Files.readString(dir.resolve("report.html"))).contains("VALID", "partition");
    assertThat(Files.readString(dir.resolve("results.edn"))).contains(":fault \"partition\"");
  }

  @Test
  void reportOfAGeneratedRunWithFaultsRenders() throws Exception {
    KafkaHistory h = KafkaHistory.of(io.chronik.verifier.kafka.KafkaHistoryGenerator.generate(7, 8, 4, 6_000));
    assertThat(h.faults()).hasSizeGreaterThan(3);
    CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults().withUnseenIsError(true));
    assertThat(r.verdict()).isEqualTo(Verdict.VALID);
    Path dir = Path.of("target", "report-test", "generated");
    RunReport.write(dir, "generated run, seed 7", r, h);
    assertThat(Files.size(dir.resolve("report.html"))).isGreaterThan(50_000);
  }

  private static final String[] CLUSTER_CHARTS = {"elections", "leaders-per-node", "under-replicated", "fsync-p99"};

  @Test
  void aRunWithClusterMetricsGetsThePerNodePlots() throws Exception {
    KafkaHistory h = KafkaHistory.of(io.chronik.verifier.kafka.KafkaHistoryGenerator.generate(7, 8, 4, 6_000));
    CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults().withUnseenIsError(true));
    Path dir = Path.of("target", "report-test", "cluster-metrics");
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("seconds,node,series,value\n");
    for (int sec = 0; sec < 6; sec++) {
      for (String node : new String[] {"n1", "n2", "n3"}) {
        csv.append(sec).append(".000,").append(node).append(",raft_leader_elections_total,").append(sec / 2).append('\n')
            .append(sec).append(".010,").append(node).append(",chronik_partitions_led,").append(node.equals("n1") ? 4 : 0)
            .append('\n').append(sec).append(".020,").append(node).append(",chronik_partitions_under_replicated,")
            .append(sec == 3 ? 4 : 0).append('\n').append(sec).append(".030,").append(node).append(",fsync_p99_ms,")
            .append(1.5 + sec).append('\n');
      }
    }
    Files.writeString(dir.resolve(ClusterMetrics.FILE), csv);
    RunReport.write(dir, "generated run with cluster metrics", r, h);

    String html = Files.readString(dir.resolve("report.html"));
    for (String chart : CLUSTER_CHARTS) {
      assertThat(html).contains("<h2>" + chart + "</h2>");
      byte[] png = Files.readAllBytes(dir.resolve("charts").resolve(chart + ".png"));
      assertThat(png).hasSizeGreaterThan(5_000);
    }
    assertThat(ClusterMetrics.read(dir).orElseThrow().nodes("fsync_p99_ms")).containsExactly("n1", "n2", "n3");
  }

  @Test
  void aRunWithoutClusterMetricsHasNoClusterPlots() throws Exception {
    KafkaHistory h = KafkaHistory.read(Path.of("..", "histories", "fixtures", "kafka", "lost-write.edn"));
    CheckResult r = KafkaChecker.check(h, KafkaCheckOptions.defaults());
    Path dir = Path.of("target", "report-test", "no-cluster-metrics");
    Files.deleteIfExists(dir.resolve(ClusterMetrics.FILE));
    RunReport.write(dir, "no cluster metrics", r, h);
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<h2>latency</h2>");
    for (String chart : CLUSTER_CHARTS) {
      assertThat(html).doesNotContain("<h2>" + chart + "</h2>");
    }
  }

  @Test
  void aMalformedMetricsRowIsAnErrorNamingTheLine() throws Exception {
    Path dir = Path.of("target", "report-test", "bad-cluster-metrics");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ClusterMetrics.FILE), "seconds,node,series,value\n1.0,n1,chronik_partitions_led\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterMetrics.read(dir))
        .hasMessageContaining("line=2").hasMessageContaining("reason=expected-4-fields");
  }

  @Test
  void aNodeThatStoppedAnsweringBreaksItsLine() throws Exception {
    Path dir = Path.of("target", "report-test", "gap-cluster-metrics");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(ClusterMetrics.FILE), "seconds,node,series,value\n"
        + "1.000,n1,chronik_partitions_led,2.0\n2.000,n1,chronik_partitions_led,2.0\n"
        + "9.000,n1,chronik_partitions_led,0.0\n10.000,n1,chronik_partitions_led,1.0\n");
    org.jfree.data.xy.XYSeries s = ClusterMetrics.read(dir).orElseThrow().series("chronik_partitions_led", "n1");
    assertThat(s.getItemCount()).isEqualTo(5);
    assertThat(s.getY(2)).as("a break between 2 s and 9 s").isNull();
    assertThat(s.getY(1)).isEqualTo(2.0);
    assertThat(s.getY(4)).isEqualTo(1.0);
  }
}
