package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * The cleaning of one entry's batches: superseded and expired records go, every batch header stays with the
 * fields producer state and consumers need, survivors keep offset, timestamp, key, value and headers, and
 * the result is a pure function of its inputs that composes (cleaning with an older marker after a newer
 * one changes nothing).
 */
class RecordCleanerTest {
  private static final long PRODUCER_ID = 4711;
  private static final short EPOCH = 3;
  private static final int BASE_SEQUENCE = 40;

  private static SimpleRecord record(long ts, String key, String value) {
    return new SimpleRecord(ts, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        new RecordHeader[] {new RecordHeader("h", ("for-" + value).getBytes(StandardCharsets.UTF_8))});
  }

  /** One idempotent batch of offsets 100..104, keys a, b, a, c(tombstone), b. */
  private static byte[] idempotentBatch(Compression compression) {
    ByteBuffer batch = MemoryRecords.withIdempotentRecords(100L, compression, PRODUCER_ID, EPOCH, BASE_SEQUENCE, 7,
        record(1000, "a", "a1"), record(1001, "b", "b1"), record(1002, "a", "a2"), record(1003, "c", null),
        record(1004, "b", "b2")).buffer();
    byte[] out = new byte[batch.remaining()];
    batch.get(out);
    return out;
  }

  private static Map<ByteBuffer, Long> latest(long... keyOffsets) {
    Map<ByteBuffer, Long> map = new HashMap<>();
    String[] keys = {"a", "b", "c"};
    for (int i = 0; i < keyOffsets.length; i++) {
      map.put(ByteBuffer.wrap(keys[i].getBytes(StandardCharsets.UTF_8)), keyOffsets[i]);
    }
    return map;
  }

  private static List<String> survivors(byte[] payload) {
    List<String> out = new ArrayList<>();
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(payload)).batches()) {
      for (Record r : batch) {
        out.add(r.offset() + ":" + StandardCharsets.UTF_8.decode(r.key()) + "="
            + (r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()) : "null") + "@" + r.timestamp() + "#"
            + new String(r.headers()[0].value(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static MutableRecordBatch onlyBatch(byte[] payload) {
    return MemoryRecords.readableRecords(ByteBuffer.wrap(payload)).batches().iterator().next();
  }

  @Test
  void supersededRecordsGoAndSurvivorsKeepOffsetTimestampValueAndHeadersInEveryCodec() {
    for (Compression compression : List.of(Compression.NONE, Compression.gzip().build(), Compression.lz4().build(),
        Compression.zstd().build(), Compression.snappy().build())) {
      byte[] payload = idempotentBatch(compression);
      byte[] cleaned = RecordCleaner.clean(payload, latest(102, 104, 103), 0);
      assertThat(survivors(cleaned)).as(compression.type().name)
          .containsExactly("102:a=a2@1002#for-a2", "103:c=null@1003#for-null", "104:b=b2@1004#for-b2");
      MutableRecordBatch batch = onlyBatch(cleaned);
      assertThat(batch.isValid()).isTrue();
      assertThat(batch.compressionType()).isEqualTo(compression.type());
      assertThat(batch.baseOffset()).isEqualTo(100);
      assertThat(batch.lastOffset()).isEqualTo(104);
      assertThat(batch.partitionLeaderEpoch()).isEqualTo(7);
      assertThat(RecordCleaner.clean(payload, latest(102, 104, 103), 0)).as("deterministic").isEqualTo(cleaned);
    }
  }

  @Test
  void aBatchWithNoSurvivorKeepsItsHeaderForProducerStateOffsetsAndTheNextFetch() {
    byte[] payload = idempotentBatch(Compression.NONE);
    ByteBuffer before = ByteBuffer.wrap(payload);
    byte[] cleaned = RecordCleaner.clean(payload, latest(500, 501, 502), 0);
    assertThat(survivors(cleaned)).isEmpty();
    MutableRecordBatch batch = onlyBatch(cleaned);
    assertThat(batch.isValid()).isTrue();
    assertThat(batch.countOrNull()).isZero();
    ByteBuffer after = ByteBuffer.wrap(cleaned);
    assertThat(BatchHeaders.baseOffset(after)).isEqualTo(BatchHeaders.baseOffset(before)).isEqualTo(100);
    assertThat(BatchHeaders.nextOffset(after)).isEqualTo(BatchHeaders.nextOffset(before)).isEqualTo(105);
    assertThat(BatchHeaders.producerId(after)).isEqualTo(PRODUCER_ID);
    assertThat(BatchHeaders.producerEpoch(after)).isEqualTo(EPOCH);
    assertThat(BatchHeaders.baseSequence(after)).isEqualTo(BASE_SEQUENCE);
    assertThat(BatchHeaders.lastSequence(after)).isEqualTo(BatchHeaders.lastSequence(before)).isEqualTo(44);
    assertThat(BatchHeaders.maxTimestamp(after)).isEqualTo(BatchHeaders.maxTimestamp(before));
  }

  @Test
  void tombstonesBelowTheTombstoneEndGoAndKeylessRecordsGo() {
    byte[] payload = idempotentBatch(Compression.NONE);
    assertThat(survivors(RecordCleaner.clean(payload, latest(102, 104, 103), 104)))
        .containsExactly("102:a=a2@1002#for-a2", "104:b=b2@1004#for-b2");
    ByteBuffer keyless = MemoryRecords.withRecords(200L, Compression.NONE, record(5, null, "x"), record(6, "a", "y"))
        .buffer();
    byte[] bytes = bytes(keyless);
    Map<ByteBuffer, Long> map = new HashMap<>();
    RecordCleaner.collectLatest(ByteBuffer.wrap(bytes), map);
    assertThat(survivors(RecordCleaner.clean(bytes, map, 0))).containsExactly("201:a=y@6#for-y");
  }

  @Test
  void nothingChangedIsNullAndCleaningWithAnOlderMarkerAfterANewerOneChangesNothing() {
    byte[] payload = idempotentBatch(Compression.NONE);
    Map<ByteBuffer, Long> all = new HashMap<>();
    RecordCleaner.collectLatest(ByteBuffer.wrap(payload), all);
    assertThat(all).isEqualTo(latest(102, 104, 103));
    assertThat(RecordCleaner.clean(bytes(MemoryRecords.withRecords(0L, Compression.NONE, record(1, "z", "only"))
        .buffer()), Map.of(ByteBuffer.wrap("z".getBytes(StandardCharsets.UTF_8)), 0L), 0)).as("nothing to clean").isNull();
    byte[] newer = RecordCleaner.clean(payload, latest(102, 104, 103), 104);
    Map<ByteBuffer, Long> olderKeys = new HashMap<>();
    RecordCleaner.collectLatest(ByteBuffer.wrap(newer), olderKeys); // the older marker's map over cleaned data
    assertThat(RecordCleaner.clean(newer, olderKeys, 0)).as("no further change").isNull();
  }
}
