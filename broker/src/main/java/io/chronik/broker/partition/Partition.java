package io.chronik.broker.partition;

import java.io.IOException;
import java.nio.ByteBuffer;
import io.chronik.raft.storage.LogConfig;
import java.nio.file.Path;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * A partition on this node: its log, its idempotent-producer state and its leader epoch. On a
 * single node this broker is always the leader; the epoch is 0 until partitions become Raft groups
 * (then epoch = Raft term). Not thread-safe: owned by the broker's state thread.
 */
public final class Partition {
  private final TopicPartition id;
  private final PartitionLog log;
  private final ProducerStateTable producers;
  private final int leaderEpoch;

  private Partition(TopicPartition id, PartitionLog log, ProducerStateTable producers) {
    this.id = id;
    this.log = log;
    this.producers = producers;
    this.leaderEpoch = 0;
  }

  public static Partition open(TopicPartition id, Path dir, LogConfig config) throws IOException {
    ProducerStateTable producers = new ProducerStateTable();
    PartitionLog log = SegmentedPartitionLog.open(dir, config, 0, batch -> {
      if (batch.hasProducerId()) {
        producers.update(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
            batch.lastSequence(), batch.baseOffset());
      }
    });
    return new Partition(id, log, producers);
  }

  /** Result of an append: base offset assigned (or the original one for a duplicate), or an error. */
  public record AppendResult(Errors error, long baseOffset, String message) {
    static AppendResult failed(Errors error, String message) {
      return new AppendResult(error, -1, message);
    }
  }

  /**
   * Validates and appends a produce request's records: magic 2 only, CRC32C checked, no
   * transactional or control batches, each batch at most {@code batchBytesMax}. Idempotent batches
   * are checked against the producer state; a retried batch is answered with its original offset.
   * Compressed payloads are stored untouched. Fsyncs before returning when {@code durable}.
   */
  public AppendResult append(MemoryRecords records, int batchBytesMax, boolean durable) throws IOException {
    ByteBuffer buffer = records.buffer();
    int total = buffer.remaining();
    int seen = 0;
    int batches = 0;
    for (MutableRecordBatch batch : records.batches()) {
      batches++;
      seen += batch.sizeInBytes();
      if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
        return AppendResult.failed(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "magic=" + batch.magic());
      }
      if (batch.sizeInBytes() > batchBytesMax) {
        return AppendResult.failed(Errors.MESSAGE_TOO_LARGE, "batchBytes=" + batch.sizeInBytes());
      }
      if (!batch.isValid()) {
        return AppendResult.failed(Errors.CORRUPT_MESSAGE, "reason=crc-mismatch");
      }
      if (batch.isTransactional() || batch.isControlBatch()) {
        return AppendResult.failed(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            "reason=transactions-unsupported");
      }
      Integer count = batch.countOrNull();
      if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() != count - 1) {
        return AppendResult.failed(Errors.CORRUPT_MESSAGE, "reason=bad-record-count");
      }
    }
    if (batches == 0 || seen != total) {
      return AppendResult.failed(Errors.CORRUPT_MESSAGE, "reason=partial-or-empty-batch");
    }
    if (batches > 1 && hasProducerBatch(records)) {
      return AppendResult.failed(Errors.INVALID_RECORD, "reason=multiple-idempotent-batches");
    }
    MutableRecordBatch first = records.batches().iterator().next();
    if (first.hasProducerId()) {
      ProducerStateTable.Check check = producers.check(first.producerId(), first.producerEpoch(),
          first.baseSequence(), first.lastSequence());
      if (check.error() != Errors.NONE) {
        return AppendResult.failed(check.error(), "producerId=" + first.producerId());
      }
      if (check.isDuplicate()) {
        return new AppendResult(Errors.NONE, check.duplicateOffset(), null);
      }
    }
    long base = log.logEndOffset();
    long next = base;
    for (MutableRecordBatch batch : records.batches()) {
      long delta = batch.lastOffset() - batch.baseOffset();
      batch.setLastOffset(next + delta);
      batch.setPartitionLeaderEpoch(leaderEpoch);
      next += delta + 1;
    }
    log.append(records);
    if (durable) {
      log.flush();
    }
    if (first.hasProducerId()) {
      producers.update(first.producerId(), first.producerEpoch(), first.baseSequence(),
          first.lastSequence(), base);
    }
    return new AppendResult(Errors.NONE, base, null);
  }

  private static boolean hasProducerBatch(MemoryRecords records) {
    for (RecordBatch b : records.batches()) {
      if (b.hasProducerId()) {
        return true;
      }
    }
    return false;
  }

  /** First offset whose record timestamp is at least {@code timestampMs}: {offset, timestamp}, or null. */
  public long[] offsetForTimestamp(long timestampMs) throws IOException {
    long batchOffset = log.batchOffsetForTimestamp(timestampMs);
    if (batchOffset < 0) {
      return null;
    }
    MemoryRecords batch = log.read(batchOffset, 1, true);
    for (RecordBatch b : batch.batches()) {
      for (Record r : b) {
        if (r.timestamp() >= timestampMs) {
          return new long[] {r.offset(), r.timestamp()};
        }
      }
    }
    return null;
  }

  /** Offset and timestamp of the record with the largest timestamp, or null when empty. */
  public long[] offsetOfMaxTimestamp() throws IOException {
    long batchOffset = log.batchOffsetOfMaxTimestamp();
    if (batchOffset < 0) {
      return null;
    }
    long[] best = null;
    for (RecordBatch b : log.read(batchOffset, 1, true).batches()) {
      for (Record r : b) {
        if (best == null || r.timestamp() > best[1]) {
          best = new long[] {r.offset(), r.timestamp()};
        }
      }
    }
    return best;
  }

  public TopicPartition id() {
    return id;
  }

  public PartitionLog log() {
    return log;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /** High watermark: on a single node every durable append is committed. */
  public long highWatermark() {
    return log.logEndOffset();
  }

  public void close() throws IOException {
    log.close();
  }
}
