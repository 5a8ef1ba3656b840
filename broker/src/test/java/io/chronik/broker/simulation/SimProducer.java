package io.chronik.broker.simulation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * An idempotent Kafka producer writing one partition with up to {@code inFlight} batches outstanding
 * (max.in.flight.requests.per.connection, 1..5): each new batch takes the next sequences of the
 * current epoch and is sent at once behind the outstanding ones. Until a batch hears SUCCESS or
 * DUPLICATE it stays outstanding; after a retriable answer to any of them, or when nothing settled
 * them for a request timeout, the producer resends every outstanding batch, the very same bytes
 * (producer id, epoch, base sequence) in sequence order, to whichever broker it now believes leads,
 * and sends no new batch ahead of that resend, as the Java client keeps a partition's batches in
 * order. An epoch bump (a fatal error, then a new InitProducerId for the same producer id) gives up
 * the outstanding batches (they fail to the application, unacknowledged; requests of them still on
 * the wire may land later) and starts the next epoch at sequence 0.
 *
 * <p>Pipelining starts with an epoch's first batch, as the Java client's does. The broker, as Kafka,
 * accepts a producer its table does not know at any sequence, so a first batch lost at a deposed
 * leader while the second reaches the new one commits the second without the first; the first is then
 * refused out of order, and an out-of-order answer to the oldest outstanding batch is fatal to it (the
 * Java client's unresolved sequence): the producer bumps its epoch (docs/SIMULATION.md).
 */
final class SimProducer {
  /** An outstanding batch: its epoch, sequences and bytes as built once. */
  record Batch(short epoch, int firstSeq, int records, ByteBuffer bytes) {}

  private final long producerId;
  private final int inFlight;
  private short epoch;
  private int nextSeq;
  /**
   * The batches from the oldest outstanding one on, settled ones included: the window a new batch needs
   * room in. The Java client hears a connection's answers in order, so a batch never settles before an
   * earlier one is answered; here answers are lost one by one, and counting from the oldest outstanding
   * batch keeps what the client keeps: while a batch is outstanding, at most {@code inFlight - 1} of its
   * producer's batches follow it in the log.
   */
  private final List<Batch> window = new ArrayList<>();
  private final List<Batch> outstanding = new ArrayList<>();
  /** When the outstanding batches are resent: after a timeout, or sooner after a retriable answer. */
  private long actAt;
  /** A retriable answer came in: no new batch goes out before the resend (it would land out of order). */
  private boolean resendFirst;
  private int attempts;
  private long batchesSent;

  SimProducer(long producerId, int inFlight) {
    this.producerId = producerId;
    this.inFlight = inFlight;
  }

  long producerId() {
    return producerId;
  }

  short epoch() {
    return epoch;
  }

  boolean idle() {
    return outstanding.isEmpty();
  }

  /** Whether a new batch may go out now: room in the window and no resend owed. */
  boolean canSend() {
    return window.size() < inFlight && !resendFirst;
  }

  /** A new batch of {@code records} records, its sequences following the last batch's; its one send is returned. */
  Batch newBatch(int records, long now, long timeout) {
    SimpleRecord[] rs = new SimpleRecord[records];
    for (int i = 0; i < records; i++) {
      rs[i] = new SimpleRecord(now, ("p" + producerId).getBytes(StandardCharsets.UTF_8),
          ("p" + producerId + "-e" + epoch + "-s" + (nextSeq + i)).getBytes(StandardCharsets.UTF_8));
    }
    Batch b = new Batch(epoch, nextSeq, records,
        MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, nextSeq, rs).buffer());
    nextSeq += records;
    if (outstanding.isEmpty()) {
      actAt = now + timeout;
    }
    outstanding.add(b);
    window.add(b);
    batchesSent++;
    attempts++;
    return b;
  }

  /** The outstanding batches to resend now, in sequence order; the next resend comes after {@code timeout}. */
  List<Batch> resend(long now, long timeout) {
    attempts++;
    actAt = now + timeout;
    resendFirst = false;
    return List.copyOf(outstanding);
  }

  /** An answer to any attempt: SUCCESS or DUPLICATE settles the batch; a retriable error resends sooner. */
  void heard(short batchEpoch, int firstSeq, boolean settled, long retryAt) {
    Batch b = find(batchEpoch, firstSeq);
    if (b == null) {
      return; // a late answer to a batch already settled, or given up at an epoch bump
    }
    if (settled) {
      outstanding.removeIf(x -> x == b);
      while (!window.isEmpty() && (outstanding.isEmpty() || window.get(0) != outstanding.get(0))) {
        window.remove(0);
      }
    } else {
      resendFirst = true;
      actAt = Math.min(actAt, retryAt);
    }
  }

  /** An attempt that never left (no leader known, or its queue full): as a retriable error, at {@code retryAt}. */
  void notSent(long retryAt) {
    resendFirst = true;
    actAt = Math.min(actAt, retryAt);
  }

  /**
   * A fatal error: the outstanding batches fail to the application and a new InitProducerId gives the
   * same producer id the next epoch, whose sequences start at 0. Returns the batches given up.
   */
  List<Batch> bumpEpoch() {
    List<Batch> given = List.copyOf(outstanding);
    outstanding.clear();
    window.clear();
    resendFirst = false;
    epoch++;
    nextSeq = 0;
    return given;
  }

  /** Whether {@code b} is the oldest batch the producer still waits for (the next sequence the broker must take). */
  boolean oldestOutstanding(Batch b) {
    return !outstanding.isEmpty() && outstanding.get(0) == b;
  }

  /** Whether the producer still waits for {@code b} (neither settled nor given up). */
  boolean outstanding(Batch b) {
    return find(b.epoch(), b.firstSeq()) != null;
  }

  private Batch find(short batchEpoch, int firstSeq) {
    for (Batch b : outstanding) {
      if (b.epoch() == batchEpoch && b.firstSeq() == firstSeq) {
        return b;
      }
    }
    return null;
  }

  boolean due(long now) {
    return !outstanding.isEmpty() && now >= actAt;
  }

  /** The first outstanding batch's sequence, or -1 (for traces). */
  int pendingSeq() {
    return outstanding.isEmpty() ? -1 : outstanding.get(0).firstSeq();
  }

  int outstandingCount() {
    return outstanding.size();
  }

  int attempts() {
    return attempts;
  }

  long batchesSent() {
    return batchesSent;
  }
}
