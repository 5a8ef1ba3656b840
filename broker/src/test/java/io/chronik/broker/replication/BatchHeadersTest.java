package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;

class BatchHeadersTest {
  private static List<MutableRecordBatch> batches(ByteBuffer payload) {
    List<MutableRecordBatch> out = new ArrayList<>();
    MemoryRecords.readableRecords(payload.duplicate()).batches().forEach(out::add);
    return out;
  }

  @Test
  void assignRewritesBaseOffsetAndEpochOfOneBatchAndKeepsCrcValid() {
    ByteBuffer payload = KafkaBatches.plain(3, 5_000L, Compression.NONE);

    long next = BatchHeaders.assign(payload, 100, 7);

    assertThat(next).isEqualTo(103);
    List<MutableRecordBatch> batches = batches(payload);
    assertThat(batches).hasSize(1);
    MutableRecordBatch batch = batches.get(0);
    assertThat(batch.baseOffset()).isEqualTo(100);
    assertThat(batch.lastOffset()).isEqualTo(102);
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(7);
    assertThat(batch.isValid()).isTrue();
    List<Long> offsets = new ArrayList<>();
    for (Record r : batch) {
      offsets.add(r.offset());
    }
    assertThat(offsets).containsExactly(100L, 101L, 102L);
    assertThat(BatchHeaders.baseOffset(payload)).isEqualTo(100);
    assertThat(BatchHeaders.nextOffset(payload)).isEqualTo(103);
  }

  @Test
  void assignRewritesEveryBatchOfAPayloadContiguously() {
    ByteBuffer payload = KafkaBatches.concat(KafkaBatches.plain(2, 1_000L, Compression.NONE),
        KafkaBatches.plain(5, 9_000L, Compression.gzip().build()),
        KafkaBatches.idempotent(42L, (short) 3, 10, 1));

    long next = BatchHeaders.assign(payload, 50, 4);

    assertThat(next).isEqualTo(58);
    List<MutableRecordBatch> batches = batches(payload);
    assertThat(batches).extracting(MutableRecordBatch::baseOffset).containsExactly(50L, 52L, 57L);
    assertThat(batches).extracting(MutableRecordBatch::partitionLeaderEpoch).containsExactly(4, 4, 4);
    assertThat(batches).allSatisfy(b -> assertThat(b.isValid()).isTrue());
    assertThat(BatchHeaders.nextOffset(payload)).isEqualTo(58);
    assertThat(BatchHeaders.maxTimestamp(payload)).isEqualTo(9_004L);
  }

  @Test
  void assignOfACompressedBatchKeepsRecordsReadable() {
    ByteBuffer payload = KafkaBatches.plain(4, 2_000L, Compression.gzip().build());

    assertThat(BatchHeaders.assign(payload, 7, 1)).isEqualTo(11);

    MutableRecordBatch batch = batches(payload).get(0);
    assertThat(batch.isValid()).isTrue();
    List<Long> offsets = new ArrayList<>();
    for (Record r : batch) {
      offsets.add(r.offset());
    }
    assertThat(offsets).containsExactly(7L, 8L, 9L, 10L);
  }

  @Test
  void assignStartsAtThePayloadPosition() {
    ByteBuffer batch = KafkaBatches.plain(2, 1_000L, Compression.NONE);
    ByteBuffer padded = ByteBuffer.allocate(batch.remaining() + 9);
    padded.position(9);
    padded.put(batch.duplicate());
    padded.position(9);

    assertThat(BatchHeaders.assign(padded, 20, 2)).isEqualTo(22);
    assertThat(BatchHeaders.baseOffset(padded)).isEqualTo(20);
    assertThat(padded.getLong(0)).isZero(); // bytes before the position untouched
  }

  @Test
  void producerFieldsOfAnIdempotentBatch() {
    ByteBuffer payload = KafkaBatches.idempotent(77L, (short) 5, 12, 4);

    assertThat(BatchHeaders.producerId(payload)).isEqualTo(77L);
    assertThat(BatchHeaders.producerEpoch(payload)).isEqualTo((short) 5);
    assertThat(BatchHeaders.baseSequence(payload)).isEqualTo(12);
    assertThat(BatchHeaders.lastSequence(payload)).isEqualTo(15);
    assertThat(BatchHeaders.isData(entry(payload, io.chronik.raft.log.EntryType.NORMAL))).isTrue();
  }

  @Test
  void batchWithoutProducerHasProducerIdMinusOne() {
    ByteBuffer payload = KafkaBatches.plain(1, 1_000L, Compression.NONE);

    assertThat(BatchHeaders.producerId(payload)).isEqualTo(-1L);
    assertThat(BatchHeaders.baseSequence(payload)).isEqualTo(-1);
  }

  @Test
  void lastSequenceWrapsPastIntegerMaxValue() {
    ByteBuffer atMax = KafkaBatches.idempotent(1L, (short) 0, Integer.MAX_VALUE, 1);
    ByteBuffer wrapping = KafkaBatches.idempotent(1L, (short) 0, Integer.MAX_VALUE - 1, 4);

    assertThat(BatchHeaders.lastSequence(atMax)).isEqualTo(Integer.MAX_VALUE);
    // MAX-1, MAX, 0, 1: Kafka's sequence wraps to 0 after Integer.MAX_VALUE
    assertThat(BatchHeaders.lastSequence(wrapping)).isEqualTo(1);
    assertThat(batches(wrapping).get(0).lastSequence()).isEqualTo(1);
  }

  @Test
  void emptyPayloadIsNotData() {
    assertThat(BatchHeaders.isData(entry(ByteBuffer.allocate(0), io.chronik.raft.log.EntryType.NORMAL))).isFalse();
    assertThat(BatchHeaders.isData(entry(ByteBuffer.allocate(BatchHeaders.HEADER_BYTES - 1),
        io.chronik.raft.log.EntryType.NORMAL))).isFalse();
  }

  @Test
  void aConfigurationEntryIsNeverDataHoweverLong() {
    ByteBuffer long_ = ByteBuffer.allocate(4 * BatchHeaders.HEADER_BYTES);
    assertThat(BatchHeaders.isData(entry(long_, io.chronik.raft.log.EntryType.CONFIG))).isFalse();
    assertThat(BatchHeaders.isData(io.chronik.raft.log.EntryType.CONFIG.ordinal(), long_.array())).isFalse();
    assertThat(BatchHeaders.isData(io.chronik.raft.log.EntryType.NORMAL.ordinal(), long_.array())).isTrue();
  }

  private static io.chronik.raft.log.Entry entry(ByteBuffer payload, io.chronik.raft.log.EntryType type) {
    byte[] bytes = new byte[payload.remaining()];
    payload.duplicate().get(bytes);
    return new io.chronik.raft.log.Entry(1, 1, type, bytes);
  }
}
