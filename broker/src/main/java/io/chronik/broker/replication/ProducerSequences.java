package io.chronik.broker.replication;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * Idempotent-producer state of one partition replica, as of the tail of its Raft log (committed and
 * uncommitted entries alike): per producer the epoch and the last {@link #BATCHES_KEPT} batches with
 * their sequence range, base offset and Raft index. The leader checks proposals against it; every
 * replica keeps it up to date from the entries it persists, so a new leader can de-duplicate retries
 * of batches its predecessor appended. A truncated log suffix is rolled back by Raft index.
 *
 * <p>A producer this table does not know (never seen, or all its kept batches truncated) is accepted
 * at any sequence, as Kafka does for producers whose state expired.
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
    for (Batch b : batches) {
      if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
        return new Check(Errors.NONE, b);
      }
    }
    int expected = last.lastSeq() == Integer.MAX_VALUE ? 0 : last.lastSeq() + 1;
    return firstSeq == expected ? Check.APPEND : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, null);
  }

  void record(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset, long raftIndex) {
    ArrayDeque<Batch> batches = producers.computeIfAbsent(producerId, id -> new ArrayDeque<>());
    if (!batches.isEmpty() && batches.peekLast().epoch() != epoch) {
      batches.clear();
    }
    batches.addLast(new Batch(epoch, firstSeq, lastSeq, baseOffset, raftIndex));
    if (batches.size() > BATCHES_KEPT) {
      batches.removeFirst();
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
}
