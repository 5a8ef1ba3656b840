package io.chronik.broker.simulation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.simulation.SimViolation;
import io.chronik.raft.log.Entry;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** The oracle's per-producer checks fire on hand-built committed logs and answers (and stay quiet on good ones). */
class ProduceOracleTest {
  private static final long PRODUCER = 1000;

  private final ProduceOracle oracle = new ProduceOracle(1);
  private long nextIndex = 1;
  private long nextOffset;

  /** Commits one batch of {@code records} records of the producer at the next index and offset. */
  private void commit(int epoch, int firstSeq, int records) {
    SimpleRecord[] rs = new SimpleRecord[records];
    for (int i = 0; i < records; i++) {
      rs[i] = new SimpleRecord(0L, null, ("r" + i).getBytes());
    }
    ByteBuffer batch = MemoryRecords.withIdempotentRecords(nextOffset, Compression.NONE, PRODUCER, (short) epoch,
        firstSeq, 1, rs).buffer();
    byte[] payload = new byte[batch.remaining()];
    batch.get(payload);
    nextOffset += records;
    oracle.applied(0, List.of(Entry.normal(nextIndex++, 1, payload)));
  }

  private static ProduceOracle.Answer answer(int epoch, int firstSeq, int lastSeq, int producerEpoch,
      boolean outstanding, AppendStatus status, long logIndex, long offset, Errors refusal) {
    return new ProduceOracle.Answer(PRODUCER, (short) epoch, firstSeq, lastSeq, (short) producerEpoch, outstanding,
        status, logIndex, offset, refusal == null ? 0 : refusal.code());
  }

  @Test
  void epochsInOrderEachFromSequenceZeroPass() {
    commit(0, 0, 2);
    commit(0, 2, 1);
    commit(1, 0, 3);
    assertThatCode(() -> commit(1, 3, 1)).doesNotThrowAnyException();
  }

  @Test
  void aBatchOfAnOlderEpochAfterTheNewEpochsFirstIsAViolation() {
    commit(0, 0, 1);
    commit(1, 0, 1);
    assertThatThrownBy(() -> commit(0, 1, 1)).isInstanceOf(SimViolation.class)
        .hasMessageContaining("reason=old-epoch-batch-after-new-epoch");
  }

  @Test
  void aNewEpochNotStartingAtSequenceZeroIsAGap() {
    commit(0, 0, 1);
    assertThatThrownBy(() -> commit(1, 3, 1)).hasMessageContaining("reason=producer-sequence-gap");
  }

  @Test
  void anAcknowledgementMustAnswerTheOffsetTheLogGivesTheBatch() {
    commit(0, 0, 2);
    commit(0, 2, 1);
    assertThatCode(() -> oracle.answered(0, true, answer(0, 2, 2, 0, true, AppendStatus.SUCCESS, 2, 2, null)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> oracle.answered(0, true, answer(0, 2, 2, 0, true, AppendStatus.SUCCESS, 2, 0, null)))
        .hasMessageContaining("reason=ack-offset-not-the-logs");
  }

  @Test
  void theCurrentLeaderMayNotRefuseAnOutstandingBatchWhosePredecessorIsCommitted() {
    commit(0, 0, 2);
    assertThatThrownBy(() -> oracle.answered(0, true,
        answer(0, 2, 2, 0, true, AppendStatus.REFUSED, -1, -1, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER)))
        .hasMessageContaining("reason=retry-refused-by-current-leader");
    // its predecessor missing, a gap is the right answer; a deposed leader may refuse anything
    assertThatCode(() -> oracle.answered(0, true,
        answer(0, 5, 5, 0, true, AppendStatus.REFUSED, -1, -1, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER)))
        .doesNotThrowAnyException();
    assertThatCode(() -> oracle.answered(0, false,
        answer(0, 2, 2, 0, true, AppendStatus.REFUSED, -1, -1, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER)))
        .doesNotThrowAnyException();
  }

  @Test
  void theCurrentLeaderFencesOnlyAnEpochTheProducerLeft() {
    commit(0, 0, 1);
    assertThatCode(() -> oracle.answered(0, true,
        answer(0, 1, 1, 1, false, AppendStatus.REFUSED, -1, -1, Errors.INVALID_PRODUCER_EPOCH)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> oracle.answered(0, true,
        answer(1, 0, 0, 1, true, AppendStatus.REFUSED, -1, -1, Errors.INVALID_PRODUCER_EPOCH)))
        .hasMessageContaining("reason=retry-refused-by-current-leader");
  }
}
