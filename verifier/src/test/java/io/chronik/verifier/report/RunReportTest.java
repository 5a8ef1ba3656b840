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
}
