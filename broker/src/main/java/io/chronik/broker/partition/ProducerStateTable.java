package io.chronik.broker.partition;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * Idempotent-producer state of one partition: per producer id the current epoch and the last
 * {@link #CACHED_BATCHES} batches' sequence ranges and offsets, so a retried batch is answered
 * with its original offset instead of being appended twice. Rebuilt from the log on open.
 */
public final class ProducerStateTable {
  static final int CACHED_BATCHES = 5;

  /** A batch already in the log. */
  record BatchEntry(int firstSeq, int lastSeq, long firstOffset) {}

  private static final class ProducerEntry {
    short epoch;
    final ArrayDeque<BatchEntry> batches = new ArrayDeque<>();
  }

  /** Outcome of checking a batch: append it, answer it as a duplicate, or reject it. */
  public record Check(Errors error, long duplicateOffset) {
    static final Check APPEND = new Check(Errors.NONE, -1);

    public boolean isDuplicate() {
      return duplicateOffset >= 0;
    }
  }

  private final Map<Long, ProducerEntry> producers = new HashMap<>();

  public Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
    ProducerEntry entry = producers.get(producerId);
    if (entry == null) {
      return Check.APPEND;
    }
    if (epoch < entry.epoch) {
      return new Check(Errors.INVALID_PRODUCER_EPOCH, -1);
    }
    if (epoch > entry.epoch) {
      return firstSeq == 0 ? Check.APPEND : new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, -1);
    }
    for (BatchEntry b : entry.batches) {
      if (b.firstSeq == firstSeq && b.lastSeq == lastSeq) {
        return new Check(Errors.NONE, b.firstOffset);
      }
    }
    BatchEntry last = entry.batches.peekLast();
    if (last != null && firstSeq != nextSequence(last.lastSeq)) {
      return new Check(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, -1);
    }
    return Check.APPEND;
  }

  /** Records an appended (or recovered) batch. */
  public void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset) {
    ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
    if (epoch != entry.epoch) {
      entry.epoch = epoch;
      entry.batches.clear();
    }
    entry.batches.addLast(new BatchEntry(firstSeq, lastSeq, firstOffset));
    if (entry.batches.size() > CACHED_BATCHES) {
      entry.batches.removeFirst();
    }
  }

  public int producerCount() {
    return producers.size();
  }

  static int nextSequence(int seq) {
    return seq == Integer.MAX_VALUE ? 0 : seq + 1;
  }
}
