package io.chronik.verifier.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.verifier.history.EdnHistoryWriter;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.recorder.KafkaMicroOps;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.bpsm.edn.Keyword;

/**
 * Retention in the kafka checker: values below the log start the final reader recorded are trimmed
 * while retention could have deleted them, over-trimmed when it could not, and histories without the
 * record check as before.
 */
class TrimmingTest {
  static final Keyword SEND = KafkaMicroOps.SEND;
  static final Keyword POLL = KafkaMicroOps.POLL;
  static final Keyword ASSIGN = KafkaMicroOps.ASSIGN;
  /** 16 KiB retention, 4 KiB segments (the lab run's): the newest 77 offsets are protected. */
  static final Map<Keyword, Object> LAB_RETENTION = Retention.edn(Map.of("retention.bytes", "16384",
      "segment.bytes", "4096", "retention.ms", "604800000", "cleanup.policy", "delete"));

  /**
   * One partition: {@code values} acknowledged sends at offsets 0.., a consumer that read them all
   * (unless {@code consumerReads} is false), then a final reader from the beginning that reads the
   * offsets from {@code finalFrom} on, its assign naming {@code logStart} and {@code retention}
   * (null: an old history with no extent).
   */
  static List<Op> history(int values, boolean consumerReads, long logStart, long finalFrom,
      Map<Keyword, Object> retention) {
    List<Op> ops = new ArrayList<>();
    for (long v = 0; v < values; v++) {
      ops.add(Op.invoke(0, SEND, List.of(KafkaMicroOps.send(0, v))));
      ops.add(Op.complete(OpType.OK, 0, SEND, List.of(KafkaMicroOps.sent(0, v, v))));
    }
    if (consumerReads) {
      ops.add(Op.invoke(1, POLL, List.of(KafkaMicroOps.poll())));
      ops.add(Op.complete(OpType.OK, 1, POLL, List.of(KafkaMicroOps.polled(Map.of(0L, pairs(0, values))))));
    }
    Map<Keyword, Object> extra = new LinkedHashMap<>();
    extra.put(KafkaMicroOps.SEEK_TO_BEGINNING, true);
    if (retention != null) {
      extra.putAll(LogExtent.edn(Map.of(0L, logStart), Map.of(0L, (long) values), retention));
    }
    ops.add(Op.invoke(2, ASSIGN, KafkaMicroOps.keys(0)).withExtra(extra));
    ops.add(Op.complete(OpType.OK, 2, ASSIGN, KafkaMicroOps.keys(0)));
    ops.add(Op.invoke(2, POLL, List.of(KafkaMicroOps.poll())));
    ops.add(Op.complete(OpType.OK, 2, POLL, List.of(KafkaMicroOps.polled(Map.of(0L, pairs(finalFrom, values))))));
    List<Op> indexed = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      indexed.add(ops.get(i).withIndex(i).withTime(i * 1_000_000L));
    }
    return indexed;
  }

  static List<long[]> pairs(long from, long to) {
    List<long[]> l = new ArrayList<>();
    for (long o = from; o < to; o++) {
      l.add(new long[] {o, o});
    }
    return l;
  }

  static CheckResult check(List<Op> ops) {
    return KafkaChecker.check(KafkaHistory.of(ops), KafkaCheckOptions.defaults().withUnseenIsError(true));
  }

  @Test
  void valuesRetentionDeletedBelowTheFinalLogStartAreTrimmedAndTheRunIsValid() {
    CheckResult r = check(history(500, true, 400, 400, LAB_RETENTION));
    assertThat(r.verdict()).as("cases=%s", r.cases()).isEqualTo(Verdict.VALID);
    assertThat(r.counts()).containsOnlyKeys("trimmed").containsEntry("trimmed", 400L);
    assertThat(r.allowedTypes()).contains("trimmed");
    assertThat(r.cases().get("trimmed").get(0).detail()).containsEntry("log-start", 400L);
  }

  @Test
  void trimmedValuesNoConsumerEverReadAreNeitherUnseenNorLost() {
    // the consumer read only the tail: 0..399 were never read by anyone, yet retention explains them
    List<Op> ops = history(500, false, 400, 400, LAB_RETENTION);
    CheckResult r = check(ops);
    assertThat(r.verdict()).as("cases=%s", r.cases()).isEqualTo(Verdict.VALID);
    assertThat(r.counts()).containsOnlyKeys("trimmed").containsEntry("trimmed", 400L);
  }

  @Test
  void aLogStartMovedToTheEndIsOverTrimmedAndInvalid() {
    CheckResult r = check(history(500, true, 500, 500, LAB_RETENTION));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    // protected: offsets 500-1-76 = 423 and up (77 values); the rest retention may have deleted
    assertThat(r.counts()).containsEntry("over-trimmed", 77L).containsEntry("trimmed", 423L)
        .doesNotContainKey("vanished");
    assertThat(r.cases().get("over-trimmed").get(0).detail()).containsEntry("protected-from", 423L)
        .containsEntry("offset", 423L);
  }

  @Test
  void aLogStartOnePastTheRetentionBoundIsOverTrimmed() {
    CheckResult r = check(history(500, true, 424, 424, LAB_RETENTION));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.counts()).containsEntry("over-trimmed", 1L).containsEntry("trimmed", 423L);
  }

  @Test
  void aLogStartAtTheRetentionBoundIsValid() {
    CheckResult r = check(history(500, true, 423, 423, LAB_RETENTION));
    assertThat(r.verdict()).as("cases=%s", r.cases()).isEqualTo(Verdict.VALID);
    assertThat(r.counts()).containsOnlyKeys("trimmed");
  }

  @Test
  void valuesMissingAtOrAboveTheFinalLogStartAreStillVanished() {
    // the broker claims log start 100 but the final read starts at 200: 100..199 are lost, not trimmed
    CheckResult r = check(history(500, true, 100, 200, LAB_RETENTION));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.counts()).containsEntry("vanished", 100L).containsEntry("trimmed", 100L);
  }

  @Test
  void withoutRetentionSettingsAnyTrimIsOverTrimmed() {
    Map<Keyword, Object> unlimited = Retention.edn(Map.of("retention.bytes", "-1", "segment.bytes", "4096",
        "retention.ms", "-1"));
    CheckResult r = check(history(50, true, 10, 10, unlimited));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.counts()).containsOnlyKeys("over-trimmed").containsEntry("over-trimmed", 10L);
  }

  @Test
  void aCompactOnlyTopicHasNoRetentionSoAnyTrimIsOverTrimmed() {
    Map<Keyword, Object> compact = Retention.edn(Map.of("retention.bytes", "16384", "segment.bytes", "4096",
        "retention.ms", "604800000", "cleanup.policy", "compact"));
    CheckResult r = check(history(50, true, 10, 10, compact));
    assertThat(r.counts()).containsOnlyKeys("over-trimmed");
  }

  @Test
  void aRetentionMsWithinTheRunLetsTimeRetentionTrimEverything() {
    Map<Keyword, Object> byTime = Retention.edn(Map.of("retention.bytes", "-1", "segment.bytes", "4096",
        "retention.ms", "1000"));
    CheckResult r = check(history(50, true, 50, 50, byTime));
    assertThat(r.verdict()).as("cases=%s", r.cases()).isEqualTo(Verdict.VALID);
    assertThat(r.counts()).containsOnlyKeys("trimmed").containsEntry("trimmed", 50L);
  }

  @Test
  void anOldHistoryWithoutTheFinalReadersExtentReportsMissingValuesAsVanished() {
    CheckResult r = check(history(500, true, 0, 400, null));
    assertThat(r.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(r.counts()).containsOnlyKeys("vanished").containsEntry("vanished", 400L);
  }

  @Test
  void aCompleteFinalReadWithAnExtentChecksAsBefore() {
    CheckResult withExtent = check(history(500, true, 0, 0, LAB_RETENTION));
    CheckResult without = check(history(500, true, 0, 0, null));
    assertThat(withExtent.verdict()).isEqualTo(Verdict.VALID);
    assertThat(withExtent.counts()).isEmpty();
    assertThat(without.counts()).isEqualTo(withExtent.counts());
    assertThat(without.verdict()).isEqualTo(withExtent.verdict());
  }

  @Test
  void theFinalReadersExtentSurvivesAnEdnRoundTrip(@TempDir Path dir) throws Exception {
    List<Op> ops = history(500, true, 400, 400, LAB_RETENTION);
    Path file = dir.resolve("history.edn");
    EdnHistoryWriter.write(file, ops);
    assertThat(Files.readString(file)).contains(":log-start-offsets{0 400}", ":end-offsets{0 500}",
        ":retention{:retention.bytes 16384 :segment.bytes 4096 :retention.ms 604800000 :cleanup.policy\"delete\"}");
    KafkaHistory back = KafkaHistory.read(file);
    int assign = FinalReadCheck.finalAssign(back);
    assertThat(back.logExtent(assign)).isEqualTo(new LogExtent(Map.of(0L, 400L), Map.of(0L, 500L),
        new Retention(16384, 4096, 604800000)));
    CheckResult r = KafkaChecker.check(back, KafkaCheckOptions.defaults().withUnseenIsError(true));
    assertThat(r.counts()).isEqualTo(check(ops).counts());
  }

  @Test
  void theSizeBoundKeepsTheNewestRecordsThatFitInRetentionBytesLessOneSegment() {
    Retention lab = new Retention(16384, 4096, -1);
    // (16384 - 4096 - 1) / 160 = 76: offsets end-77 .. end-1 are protected
    assertThat(lab.protectedFrom(1000, 60_000)).isEqualTo(923);
    assertThat(new Retention(-1, 4096, -1).protectedFrom(1000, 60_000)).isZero();
    assertThat(new Retention(4096, 4096, -1).protectedFrom(1000, 60_000)).isEqualTo(Long.MAX_VALUE);
    assertThat(new Retention(16384, 4096, 30_000).protectedFrom(1000, 60_000)).isEqualTo(Long.MAX_VALUE);
  }
}
