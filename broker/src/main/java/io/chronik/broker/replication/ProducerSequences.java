package io.chronik.broker.replication;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * Idempotent-producer state of one partition replica, as of the tail of its Raft log (committed and
 * uncommitted entries alike): per producer its batches with their epoch, sequence range, base offset and
 * Raft index. The leader checks proposals against the last {@link #BATCHES_KEPT} batches of the current
 * epoch; every replica keeps the table up to date from the entries it persists, so a new leader can
 * de-duplicate retries of batches its predecessor appended.
 *
 * <p>A truncated log suffix is rolled back by Raft index, so the table keeps what a rollback needs:
 * every uncommitted batch plus the last {@link #BATCHES_KEPT} committed ones, across epochs. A new
 * epoch's or a long run's uncommitted batches truncated with a deposed leader leave the producer as the
 * committed log knows it (its epoch, its next sequence), not forgotten (found by the broker simulation,
 * seed 1752: a forgotten producer took a new epoch's batch at sequence 4 and then refused sequence 0).
 *
 * <p>A producer the log does not know (never seen, or only its uncommitted batches were truncated) is
 * accepted at any sequence, as Kafka does for producers whose state expired.
 */
final class ProducerSequences {
  static final int BATCHES_KEPT = 5;

  /** A batch in the log. */
  record Batch(short epoch, int firstSeq, int lastSeq, long baseOffset, long raftIndex) {}

  /** Outcome of a check: APPEND, DUPLICATE of {@code original}, or a Kafka error. */
  record Check(Errors error, Batch original) {
    static final Check APPEND = new Check(Errors.NONE, null);
  }

  private final Map<Long, ArrayDeque<Batch>> producers = new HashMap<>();

  Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
    ArrayDeque<Batch> batches = producers.get(producerId);
    if (batches == null || batches.isEmpty()) {
      return Check.APPEND;
    }
    Batch last = batches.peekLast();
    if (epoch < last.epoch()) {
      return new Check(Errors.INVALID_PRODUCER_EPOCH, null);
    }
    if (epoch > last.epoch()) {
      return firstSeq == 0 ? Check.APPEND : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null);
    }
    int looked = 0;
    for (Iterator<Batch> it = batches.descendingIterator(); it.hasNext() && looked < BATCHES_KEPT; looked++) {
      Batch b = it.next();
      if (b.epoch() != epoch) {
        break;
      }
      if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
        return new Check(Errors.NONE, b);
      }
    }
    int expected = last.lastSeq() == Integer.MAX_VALUE ? 0 : last.lastSeq() + 1;
    return firstSeq == expected ? Check.APPEND : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null);
  }

  /**
   * Records a batch at {@code raftIndex}; batches at or below {@code commitIndex} are never truncated,
   * so all but the last {@link #BATCHES_KEPT} of those are dropped.
   */
  void record(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset, long raftIndex,
      long commitIndex) {
    ArrayDeque<Batch> batches = producers.computeIfAbsent(producerId, id -> new ArrayDeque<>());
    batches.addLast(new Batch(epoch, firstSeq, lastSeq, baseOffset, raftIndex));
    int committed = 0;
    for (Batch b : batches) {
      committed += b.raftIndex() <= commitIndex ? 1 : 0;
    }
    for (; committed > BATCHES_KEPT; committed--) {
      batches.removeFirst(); // committed batches come first: Raft indexes grow along the deque
    }
  }

  /**
   * The admission check of one batch on the leader: null when the append may go on; else it was
   * completed here — a duplicate of a committed batch (its original offset), OVERLOADED while the
   * original is uncommitted (answering could acknowledge a write that is later lost), or refused.
   */
  AppendStatus admit(ByteBuffer payload, long commitIndex, AppendBatchView proposal, int i, CompletionRegistry registry) {
    long producerId = BatchHeaders.producerId(payload);
    if (producerId < 0) {
      return null;
    }
    Check check = check(producerId, BatchHeaders.producerEpoch(payload), BatchHeaders.baseSequence(payload),
        BatchHeaders.lastSequence(payload));
    if (check.original() != null) {
      if (check.original().raftIndex() <= commitIndex) {
        registry.duplicate(proposal, i, check.original().baseOffset());
        return AppendStatus.DUPLICATE;
      }
      registry.rejectOne(proposal, i, AppendStatus.OVERLOADED);
      return AppendStatus.OVERLOADED;
    }
    if (check.error() != Errors.NONE) {
      registry.refuse(proposal, i, check.error().code());
      return AppendStatus.REFUSED;
    }
    return null;
  }

  /** Records the batch in {@code payload} (a data entry at {@code raftIndex}) if it has a producer id. */
  void record(ByteBuffer payload, long baseOffset, long raftIndex, long commitIndex) {
    long producerId = BatchHeaders.producerId(payload);
    if (producerId >= 0) {
      record(producerId, BatchHeaders.producerEpoch(payload), BatchHeaders.baseSequence(payload),
          BatchHeaders.lastSequence(payload), baseOffset, raftIndex, commitIndex);
    }
  }

  /** Forgets batches at Raft index {@code fromIndex} and above (a truncated log suffix). */
  void truncateFrom(long fromIndex) {
    for (Iterator<ArrayDeque<Batch>> it = producers.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Batch> batches = it.next();
      while (!batches.isEmpty() && batches.peekLast().raftIndex() >= fromIndex) {
        batches.removeLast();
      }
      if (batches.isEmpty()) {
        it.remove();
      }
    }
  }

  int producerCount() {
    return producers.size();
  }

  /**
   * Writes the table as of Raft index {@code throughIndex} (batches above it left out, and of those below
   * only each producer's last {@link #BATCHES_KEPT}: a snapshot's index is committed) for a snapshot:
   * {@code producers int, then per producer: id long, batches int, per batch: epoch short, firstSeq
   * int, lastSeq int, baseOffset long, raftIndex long}. Replaying the entries after
   * {@code throughIndex} onto the decoded table gives back this table.
   */
  byte[] encode(long throughIndex) {
    int batchCount = 0;
    for (ArrayDeque<Batch> batches : producers.values()) {
      batchCount += batches.size();
    }
    ByteBuffer out = ByteBuffer.allocate(4 + producers.size() * 12 + batchCount * BATCH_BYTES);
    int producersAt = out.position();
    out.putInt(0);
    int written = 0;
    for (Map.Entry<Long, ArrayDeque<Batch>> e : producers.entrySet()) {
      int kept = 0;
      for (Batch b : e.getValue()) {
        kept += b.raftIndex() <= throughIndex ? 1 : 0;
      }
      if (kept == 0) {
        continue;
      }
      int skip = Math.max(0, kept - BATCHES_KEPT);
      out.putLong(e.getKey()).putInt(kept - skip);
      for (Batch b : e.getValue()) {
        if (b.raftIndex() <= throughIndex && skip-- <= 0) {
          out.putShort(b.epoch()).putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.baseOffset()).putLong(b.raftIndex());
        }
      }
      written++;
    }
    out.putInt(producersAt, written);
    byte[] bytes = new byte[out.position()];
    out.flip().get(bytes);
    return bytes;
  }

  /** Replaces the table by one {@link #encode}d; a malformed table fails with {@code reason=}. */
  void decode(ByteBuffer in) {
    producers.clear();
    try {
      for (int p = in.getInt(); p > 0; p--) {
        long producerId = in.getLong();
        int count = in.getInt();
        if (count < 0 || count > BATCHES_KEPT) {
          throw new IllegalArgumentException("producerId=" + producerId + " batches=" + count + " reason=bad-batch-count");
        }
        ArrayDeque<Batch> batches = new ArrayDeque<>();
        for (int b = 0; b < count; b++) {
          batches.addLast(new Batch(in.getShort(), in.getInt(), in.getInt(), in.getLong(), in.getLong()));
        }
        producers.put(producerId, batches);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("reason=truncated-producer-table", e);
    }
  }

  private static final int BATCH_BYTES = 2 + 4 + 4 + 8 + 8;
}
