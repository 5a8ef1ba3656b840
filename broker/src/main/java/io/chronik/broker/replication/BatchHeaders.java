package io.chronik.broker.replication;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import java.nio.ByteBuffer;

/**
 * Field access to Kafka magic-2 record batch headers inside a Raft entry payload (one or more whole
 * batches back to back). Offsets and the leader epoch are not covered by the batch CRC (it starts at
 * the attributes), so the leader may rewrite them in place before proposing.
 */
final class BatchHeaders {
  static final int BASE_OFFSET = 0;
  static final int LENGTH = 8;
  static final int LEADER_EPOCH = 12;
  static final int LAST_OFFSET_DELTA = 23;
  static final int MAX_TIMESTAMP = 35;
  static final int PRODUCER_ID = 43;
  static final int PRODUCER_EPOCH = 51;
  static final int BASE_SEQUENCE = 53;
  static final int HEADER_BYTES = 61;
  /** Bytes before {@code batchLength}'s count starts: a batch spans {@code LOG_OVERHEAD + length}. */
  static final int LOG_OVERHEAD = 12;

  private BatchHeaders() {}

  /**
   * True when a NORMAL entry's payload holds at least one batch: an empty payload is a leader's no-op, a
   * shorter one a marker (log start, cleaning point). Configuration entries (a partition move's
   * membership changes) are never data, whatever their length.
   */
  static boolean isData(Entry entry) {
    return isData(entry.type().ordinal(), entry.payload());
  }

  /** {@link #isData(Entry)} for a stored frame's kind (the entry type's ordinal) and payload. */
  static boolean isData(int kind, byte[] payload) {
    return kind == EntryType.NORMAL.ordinal() && payload.length >= HEADER_BYTES;
  }

  /**
   * Rewrites every batch's offsets to start at {@code baseOffset} and stamps the leader epoch.
   *
   * @return the offset after the last record (the next base offset)
   */
  static long assign(ByteBuffer payload, long baseOffset, int leaderEpoch) {
    int at = payload.position();
    int end = payload.limit();
    long next = baseOffset;
    while (at + HEADER_BYTES <= end) {
      int delta = payload.getInt(at + LAST_OFFSET_DELTA);
      payload.putLong(at + BASE_OFFSET, next);
      payload.putInt(at + LEADER_EPOCH, leaderEpoch);
      next += delta + 1L;
      at += LOG_OVERHEAD + payload.getInt(at + LENGTH);
    }
    return next;
  }

  static long baseOffset(ByteBuffer payload) {
    return payload.getLong(payload.position() + BASE_OFFSET);
  }

  /** Offset after the last record of the last batch. */
  static long nextOffset(ByteBuffer payload) {
    int at = payload.position();
    int end = payload.limit();
    long next = baseOffset(payload);
    while (at + HEADER_BYTES <= end) {
      next = payload.getLong(at + BASE_OFFSET) + payload.getInt(at + LAST_OFFSET_DELTA) + 1L;
      at += LOG_OVERHEAD + payload.getInt(at + LENGTH);
    }
    return next;
  }

  /** Largest max-timestamp of the payload's batches. */
  static long maxTimestamp(ByteBuffer payload) {
    int at = payload.position();
    long max = -1;
    while (at + HEADER_BYTES <= payload.limit()) {
      max = Math.max(max, payload.getLong(at + MAX_TIMESTAMP));
      at += LOG_OVERHEAD + payload.getInt(at + LENGTH);
    }
    return max;
  }

  static long producerId(ByteBuffer payload) {
    return payload.getLong(payload.position() + PRODUCER_ID);
  }

  static short producerEpoch(ByteBuffer payload) {
    return payload.getShort(payload.position() + PRODUCER_EPOCH);
  }

  static int baseSequence(ByteBuffer payload) {
    return payload.getInt(payload.position() + BASE_SEQUENCE);
  }

  static int lastSequence(ByteBuffer payload) {
    int base = baseSequence(payload);
    int delta = payload.getInt(payload.position() + LAST_OFFSET_DELTA);
    long last = (long) base + delta;
    return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
  }
}
