package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ProducerSequencesTest {
  private final ProducerSequences sequences = new ProducerSequences();

  @Test
  void unknownProducerIsAcceptedAtAnySequence() {
    assertThat(sequences.check(9L, (short) 0, 1234, 1240)).isSameAs(ProducerSequences.Check.APPEND);
  }

  @Test
  void nextSequenceAppendsAndGapIsOutOfOrder() {
    sequences.record(1L, (short) 0, 0, 4, 0, 1, 1);

    assertThat(sequences.check(1L, (short) 0, 5, 9)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 0, 6, 9).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(sequences.check(1L, (short) 0, 3, 4).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void retryOfAKeptBatchIsADuplicateOfTheOriginal() {
    sequences.record(1L, (short) 0, 0, 4, 100, 7, 7);
    sequences.record(1L, (short) 0, 5, 5, 105, 8, 8);

    ProducerSequences.Check check = sequences.check(1L, (short) 0, 0, 4);

    assertThat(check.error()).isEqualTo(Errors.NONE);
    assertThat(check.original()).isEqualTo(new ProducerSequences.Batch((short) 0, 0, 4, 100, 7));
  }

  @Test
  void olderEpochIsFenced() {
    sequences.record(1L, (short) 3, 0, 0, 0, 1, 1);

    assertThat(sequences.check(1L, (short) 2, 1, 1).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
  }

  @Test
  void newEpochMustStartAtSequenceZero() {
    sequences.record(1L, (short) 3, 0, 9, 0, 1, 1);

    assertThat(sequences.check(1L, (short) 4, 0, 2)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 4, 10, 12).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void newEpochReplacesTheOldEpochsBatches() {
    sequences.record(1L, (short) 3, 0, 9, 0, 1, 1);
    sequences.record(1L, (short) 4, 0, 0, 10, 2, 2);

    // the old epoch's batch 0..9 is no longer a duplicate; epoch 3 is now fenced
    assertThat(sequences.check(1L, (short) 3, 0, 9).error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    assertThat(sequences.check(1L, (short) 4, 1, 1)).isSameAs(ProducerSequences.Check.APPEND);
  }

  @Test
  void sequenceAfterIntegerMaxValueIsZero() {
    sequences.record(1L, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0, 1, 1);

    assertThat(sequences.check(1L, (short) 0, 0, 3)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 0, 1, 3).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void onlyTheLastFiveBatchesAreKept() {
    for (int i = 0; i < 6; i++) {
      sequences.record(1L, (short) 0, i, i, i, i + 1, i + 1);
    }

    // batch 0 fell out: its retry is no longer recognised (and is out of order)
    assertThat(sequences.check(1L, (short) 0, 0, 0).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    for (int i = 1; i < 6; i++) {
      assertThat(sequences.check(1L, (short) 0, i, i).original()).as("seq %d", i).isNotNull();
    }
  }

  @Test
  void truncateFromRemovesBatchesAtAndAboveTheRaftIndex() {
    sequences.record(1L, (short) 0, 0, 0, 0, 10, 10);
    sequences.record(1L, (short) 0, 1, 1, 1, 11, 11);
    sequences.record(1L, (short) 0, 2, 2, 2, 12, 12);

    sequences.truncateFrom(11);

    assertThat(sequences.check(1L, (short) 0, 0, 0).original()).isNotNull();
    assertThat(sequences.check(1L, (short) 0, 1, 1)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 0, 2, 2).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(sequences.producerCount()).isEqualTo(1);
  }

  @Test
  void truncateFromForgetsProducersLeftWithoutBatches() {
    sequences.record(1L, (short) 0, 0, 0, 0, 10, 10);
    sequences.record(2L, (short) 0, 0, 0, 1, 11, 11);

    sequences.truncateFrom(11);

    assertThat(sequences.producerCount()).isEqualTo(1);
    // producer 2 is unknown again: any sequence is accepted
    assertThat(sequences.check(2L, (short) 0, 7, 7)).isSameAs(ProducerSequences.Check.APPEND);
  }

  @Test
  void aNewEpochsTruncatedBatchesLeaveTheProducerAtItsCommittedEpoch() {
    sequences.record(1L, (short) 1, 0, 14, 0, 10, 10);
    sequences.record(1L, (short) 2, 0, 3, 15, 11, 10);
    sequences.record(1L, (short) 2, 4, 4, 19, 12, 10);

    sequences.truncateFrom(11); // the new epoch's batches were lost with a deposed leader

    assertThat(sequences.check(1L, (short) 3, 4, 4).error()).as("a new epoch still starts at 0")
        .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assertThat(sequences.check(1L, (short) 3, 0, 0)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 1, 0, 14).original()).as("the committed batch is a duplicate")
        .isEqualTo(new ProducerSequences.Batch((short) 1, 0, 14, 0, 10));
  }

  @Test
  void uncommittedBatchesTruncatedLeaveTheLastFiveCommittedOnesForDedupe() {
    for (int i = 0; i < 5; i++) {
      sequences.record(1L, (short) 0, i, i, i, i + 1, i + 1);
    }
    for (int i = 5; i < 11; i++) { // six uncommitted batches: more than the dedupe window
      sequences.record(1L, (short) 0, i, i, i, i + 1, 5);
    }

    sequences.truncateFrom(6);

    for (int i = 0; i < 5; i++) {
      assertThat(sequences.check(1L, (short) 0, i, i).original()).as("seq %d", i).isNotNull();
    }
    assertThat(sequences.check(1L, (short) 0, 5, 5)).isSameAs(ProducerSequences.Check.APPEND);
    assertThat(sequences.check(1L, (short) 0, 6, 6).error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
  }

  @Test
  void aSnapshotHoldsEachProducersLastFiveBatchesAtOrBelowItsIndex() {
    for (int i = 0; i < 8; i++) {
      sequences.record(1L, (short) 0, i, i, i, i + 1, 3);
    }
    ProducerSequences restored = new ProducerSequences();
    restored.decode(java.nio.ByteBuffer.wrap(sequences.encode(7)));

    // at or below index 7: seqs 0..6, of which the last five go into the snapshot
    assertThat(restored.check(1L, (short) 0, 1, 1).original()).as("seq 1 is past the window").isNull();
    for (int i = 2; i < 7; i++) {
      assertThat(restored.check(1L, (short) 0, i, i).original()).as("seq %d", i).isNotNull();
    }
    assertThat(restored.check(1L, (short) 0, 7, 7)).isSameAs(ProducerSequences.Check.APPEND);
  }
}
