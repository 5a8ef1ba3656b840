package io.chronik.broker.replication;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Kafka key compaction of one Raft entry's record batches, as a pure function of the entry, the latest
 * offset of every key below the cleaning point, and the tombstone end: the same bytes on every replica.
 * A record survives if it has a key, is the latest record of that key below the cleaning point, and is
 * not a tombstone (null value) below the tombstone end. Every batch keeps its header — base offset, last
 * offset (the last offset delta), producer id, epoch and base sequence, leader epoch — even when no record
 * survives (an empty batch, as Kafka's cleaner leaves for producer state): offsets, the partition's
 * producer table rebuilt from a replay, and consumers' next fetch offsets stay what they were, and a fetch
 * from an offset cleaned away returns the batch that held it. Control and transactional batches are kept
 * whole (the broker accepts neither today). Batches are rebuilt with kafka-clients' own builder (same
 * compression codec, original timestamps and offsets).
 */
final class RecordCleaner {
  private RecordCleaner() {}

  /** Records, for every key in {@code payload}'s batches, its offset (later entries overwrite earlier ones). */
  static void collectLatest(ByteBuffer payload, Map<ByteBuffer, Long> latest) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(payload.duplicate()).batches()) {
      if (batch.isControlBatch() || batch.isTransactional()) {
        continue;
      }
      for (Record r : batch) {
        if (r.hasKey()) {
          latest.put(copy(r.key()), r.offset());
        }
      }
    }
  }

  /**
   * The cleaned payload, or null when every record survives (the entry stays byte for byte).
   *
   * @param latest latest offset of every key among the records below the cleaning point
   * @param tombstoneEndOffset tombstones below this offset are removed
   */
  static byte[] clean(byte[] payload, Map<ByteBuffer, Long> latest, long tombstoneEndOffset) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length);
    boolean changed = false;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(payload)).batches()) {
      List<Record> kept = new ArrayList<>();
      int count = 0;
      if (!batch.isControlBatch() && !batch.isTransactional()) {
        for (Record r : batch) {
          count++;
          if (survives(r, latest, tombstoneEndOffset)) {
            kept.add(r);
          }
        }
      }
      ByteBuffer cleaned;
      if (batch.isControlBatch() || batch.isTransactional() || kept.size() == count) {
        cleaned = ByteBuffer.allocate(batch.sizeInBytes());
        batch.writeTo(cleaned);
        cleaned.flip();
      } else {
        changed = true;
        cleaned = kept.isEmpty() ? emptyBatch(batch) : rebuilt(batch, kept);
      }
      out.write(cleaned.array(), cleaned.arrayOffset() + cleaned.position(), cleaned.remaining());
    }
    return changed ? out.toByteArray() : null;
  }

  private static boolean survives(Record r, Map<ByteBuffer, Long> latest, long tombstoneEndOffset) {
    if (!r.hasKey()) {
      return false; // a compacted log holds keyed records only (Kafka's cleaner drops keyless ones too)
    }
    Long newest = latest.get(r.key());
    if (newest == null || newest != r.offset()) {
      return false;
    }
    return r.hasValue() || r.offset() >= tombstoneEndOffset;
  }

  private static ByteBuffer emptyBatch(MutableRecordBatch batch) {
    ByteBuffer header = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
    DefaultRecordBatch.writeEmptyHeader(header, RecordBatch.MAGIC_VALUE_V2, batch.producerId(), batch.producerEpoch(),
        batch.baseSequence(), batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
        batch.timestampType(), batch.maxTimestamp(), batch.isTransactional(), batch.isControlBatch());
    header.flip();
    return header;
  }

  private static ByteBuffer rebuilt(MutableRecordBatch batch, List<Record> kept) {
    long logAppendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp()
        : RecordBatch.NO_TIMESTAMP;
    MemoryRecordsBuilder builder = new MemoryRecordsBuilder(ByteBuffer.allocate(batch.sizeInBytes()),
        RecordBatch.MAGIC_VALUE_V2, Compression.of(batch.compressionType()).build(), batch.timestampType(),
        batch.baseOffset(), logAppendTime, batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
        batch.isTransactional(), batch.isControlBatch(), batch.partitionLeaderEpoch(), Integer.MAX_VALUE);
    for (Record r : kept) {
      builder.appendWithOffset(r.offset(), r);
    }
    builder.overrideLastOffset(batch.lastOffset()); // keeps the last offset delta: producer sequences, next fetch
    return builder.build().buffer();
  }

  private static ByteBuffer copy(ByteBuffer key) {
    ByteBuffer c = ByteBuffer.allocate(key.remaining());
    c.put(key.duplicate()).flip();
    return c;
  }
}
