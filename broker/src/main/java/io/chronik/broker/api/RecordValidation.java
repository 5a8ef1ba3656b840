package io.chronik.broker.api;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Checks a produce request's records for one partition before they enter the pipeline: magic 2 only,
 * CRC32C valid, whole batches, no transactional or control batches, each batch at most
 * {@code batchBytesMax}, at most one idempotent batch, and on compacted topics a key on every record.
 * Compressed payloads are stored untouched.
 */
final class RecordValidation {
  /** An error and its message, or {@link #OK}. */
  record Outcome(Errors error, String message) {
    static final Outcome OK = new Outcome(Errors.NONE, null);
  }

  private RecordValidation() {}

  /**
   * @param keysRequired the topic is compacted: a record without a key is refused with INVALID_RECORD, as
   *     Kafka does (the cleaner keeps the latest record per key; a keyless one has none)
   */
  static Outcome check(MemoryRecords records, int batchBytesMax, boolean keysRequired) {
    try {
      Outcome outcome = checkBatches(records, batchBytesMax);
      return outcome.error() == Errors.NONE && keysRequired ? checkKeys(records) : outcome;
    } catch (CorruptRecordException | InvalidRecordException e) {
      // raised while walking batch headers (bad magic, impossible sizes): this partition only
      return new Outcome(Errors.CORRUPT_MESSAGE, e.getMessage());
    }
  }

  private static Outcome checkKeys(MemoryRecords records) {
    for (MutableRecordBatch batch : records.batches()) {
      for (org.apache.kafka.common.record.internal.Record r : batch) {
        if (!r.hasKey()) {
          return new Outcome(Errors.INVALID_RECORD, "Compacted topic cannot accept message without key "
              + "(reason=compacted-topic-record-without-key offsetDelta=" + (r.offset() - batch.baseOffset()) + ")");
        }
      }
    }
    return Outcome.OK;
  }

  private static Outcome checkBatches(MemoryRecords records, int batchBytesMax) {
    int total = records.buffer().remaining();
    int seen = 0;
    int batches = 0;
    int idempotent = 0;
    for (MutableRecordBatch batch : records.batches()) {
      batches++;
      seen += batch.sizeInBytes();
      if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
        return new Outcome(Errors.UNSUPPORTED_FOR_MESSAGE_FORMAT, "magic=" + batch.magic());
      }
      if (batch.sizeInBytes() > batchBytesMax) {
        return new Outcome(Errors.MESSAGE_TOO_LARGE, "batchBytes=" + batch.sizeInBytes());
      }
      if (!batch.isValid()) {
        return new Outcome(Errors.CORRUPT_MESSAGE, "reason=crc-mismatch");
      }
      if (batch.isTransactional() || batch.isControlBatch()) {
        return new Outcome(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "reason=transactions-unsupported");
      }
      Integer count = batch.countOrNull();
      if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() != count - 1) {
        return new Outcome(Errors.CORRUPT_MESSAGE, "reason=bad-record-count");
      }
      if (batch.hasProducerId()) {
        idempotent++;
      }
    }
    if (batches == 0 || seen != total) {
      return new Outcome(Errors.CORRUPT_MESSAGE, "reason=partial-or-empty-batch");
    }
    if (batches > 1 && idempotent > 0) {
      return new Outcome(Errors.INVALID_RECORD, "reason=multiple-idempotent-batches");
    }
    return Outcome.OK;
  }
}
