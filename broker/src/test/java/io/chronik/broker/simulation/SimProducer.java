package io.chronik.broker.simulation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * An idempotent Kafka producer with one request in flight (max.in.flight=1, so its batches commit in
 * sequence order): it sends a batch, and until it hears SUCCESS or DUPLICATE it resends the very same
 * batch (same producer id, epoch and base sequence) whenever it hears a retriable error or nothing at
 * all for a request timeout, to whichever broker it now believes leads, across crashes, partitions
 * and whole-cluster restarts, as the Java client does.
 */
final class SimProducer {
  private final long producerId;
  private final short epoch;
  private int nextSeq;
  private ByteBuffer pending;
  private int pendingSeq = -1;
  private int pendingCount;
  /** When the producer acts next: its first send, or a retry after a timeout or an error. */
  private long actAt;
  private int attempts;

  SimProducer(long producerId, short epoch) {
    this.producerId = producerId;
    this.epoch = epoch;
  }

  long producerId() {
    return producerId;
  }

  boolean idle() {
    return pending == null;
  }

  /** A new batch of {@code records} records, its sequences following the last batch's. */
  void newBatch(int records, long timestampMs) {
    SimpleRecord[] rs = new SimpleRecord[records];
    for (int i = 0; i < records; i++) {
      rs[i] = new SimpleRecord(timestampMs, ("p" + producerId).getBytes(StandardCharsets.UTF_8),
          ("p" + producerId + "-s" + (nextSeq + i)).getBytes(StandardCharsets.UTF_8));
    }
    pending = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, nextSeq, rs).buffer();
    pendingSeq = nextSeq;
    pendingCount = records;
    attempts = 0;
  }

  /** The batch to send now (the same bytes on every attempt); the next retry comes after {@code timeout}. */
  ByteBuffer send(long now, long timeout) {
    attempts++;
    actAt = now + timeout;
    return pending.duplicate();
  }

  /** An answer to any attempt: SUCCESS or DUPLICATE settles the batch; a retriable error retries sooner. */
  void heard(int firstSeq, boolean settled, long retryAt) {
    if (pending == null || firstSeq != pendingSeq) {
      return; // a late answer to a batch already settled
    }
    if (settled) {
      pending = null;
      nextSeq += pendingCount;
      pendingSeq = -1;
    } else {
      actAt = Math.min(actAt, retryAt);
    }
  }

  boolean due(long now) {
    return pending != null && now >= actAt;
  }

  int pendingSeq() {
    return pendingSeq;
  }

  int attempts() {
    return attempts;
  }
}
