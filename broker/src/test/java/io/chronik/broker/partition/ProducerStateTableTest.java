package io.chronik.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
  private final ProducerStateTable table = new ProducerStateTable();

  @Test
  void retriedBatchIsAnsweredWithItsOriginalOffset() {
    table.update(7, (short) 0, 0, 9, 100);
    table.update(7, (short) 0, 10, 19, 110);
    ProducerStateTable.Check retry = table.check(7, (short) 0, 0, 9);
    assertThat(retry.isDuplicate()).isTrue();
    assertThat(retry.duplicateOffset()).isEqualTo(100);
    assertThat(table.check(7, (short) 0, 10, 19).duplicateOffset()).isEqualTo(110);
  }

  @Test
  void nextSequenceIsAppendedAndAGapIsOutOfOrder() {
    table.update(7, (short) 0, 0, 9, 0);
    assertThat(table.check(7, (short) 0, 10, 14)).isEqualTo(ProducerStateTable.Check.APPEND);
    assertThat(table.check(7, (short) 0, 12, 14).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void onlyTheLastFiveBatchesAreRemembered() {
    for (int i = 0; i < 6; i++) {
      table.update(1, (short) 0, i * 10, i * 10 + 9, i * 10L);
    }
    assertThat(table.check(1, (short) 0, 0, 9).isDuplicate()).isFalse();
    assertThat(table.check(1, (short) 0, 10, 19).isDuplicate()).isTrue();
  }

  @Test
  void staleEpochIsFencedAndNewEpochMustStartAtZero() {
    table.update(3, (short) 2, 0, 4, 0);
    assertThat(table.check(3, (short) 1, 5, 9).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    assertThat(table.check(3, (short) 3, 5, 9).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(table.check(3, (short) 3, 0, 9)).isEqualTo(ProducerStateTable.Check.APPEND);
  }

  @Test
  void sequenceWrapsAfterIntMax() {
    table.update(9, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0);
    assertThat(table.check(9, (short) 0, 0, 3)).isEqualTo(ProducerStateTable.Check.APPEND);
  }
}
