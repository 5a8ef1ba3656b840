package io.chronik.broker.partition;

import java.io.Closeable;
import java.io.IOException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The durable log of one partition: an append-only sequence of Kafka magic-2 record batches whose
 * offsets are already assigned. Offsets are dense and increasing: the base offset of each appended
 * batch equals {@link #logEndOffset()} at the time of the append.
 *
 * <p>This is the seam where a Raft-replicated log (one Raft group per partition, leader epoch =
 * term) slots in later; callers only rely on this contract, not on files.
 */
public interface PartitionLog extends Closeable {

  /** First offset still readable. */
  long logStartOffset();

  /** Offset the next appended record gets. */
  long logEndOffset();

  /**
   * Appends whole batches. Precondition: the first batch's base offset is {@link #logEndOffset()}
   * and batches are contiguous. Data is durable only after {@link #flush()}.
   */
  void append(MemoryRecords batches) throws IOException;

  /** Makes everything appended so far durable (fsync). */
  void flush() throws IOException;

  /**
   * Whole batches starting with the batch that contains {@code offset}, at most {@code bytesMax}
   * bytes, except that the first batch is returned whole when {@code firstBatchAlways} (KIP-74).
   * Empty when offset is at the log end.
   */
  MemoryRecords read(long offset, int bytesMax, boolean firstBatchAlways) throws IOException;

  /** Bytes readable from {@code offset} to the log end (0 at the end). */
  long bytesAfter(long offset);

  /** Base offset of the first batch whose max timestamp is at least {@code timestampMs}, or -1. */
  long batchOffsetForTimestamp(long timestampMs);

  /** Base offset of the batch holding the largest timestamp, or -1 when empty. */
  long batchOffsetOfMaxTimestamp();

  long sizeInBytes();
}
