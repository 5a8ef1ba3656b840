package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * A partition-log entry that names a key-compaction cleaning point, proposed by the leader and applied by
 * every replica at the same log position, so every replica cleans to the same result from the same
 * committed records. Layout (32 bytes, shorter than any Kafka batch header, so never taken for records):
 * {@code magic long ("CHRCLN01"), cleanEndOffset long, cleanThroughIndex long, tombstoneEndOffset long}.
 * <ul>
 *   <li>{@code cleanThroughIndex}: the last Raft index that may be cleaned; committed and held by every
 *       voter when proposed, so no leader ever ships a cleaned entry to a member that lacks it;
 *   <li>{@code cleanEndOffset}: the offset after the records of that entry; a record below it survives only
 *       if it is the latest below it for its key;
 *   <li>{@code tombstoneEndOffset}: tombstones (null values) below it are removed; it is a cleaning point
 *       that was committed at least {@code delete.retention.ms} before the marker (never above
 *       {@code cleanEndOffset}, never lower than an earlier marker's).
 * </ul>
 */
record CleaningMarker(long cleanEndOffset, long cleanThroughIndex, long tombstoneEndOffset) {
  static final long MAGIC = 0x434852434c4e3031L;
  static final int BYTES = 32;
  static final CleaningMarker NONE = new CleaningMarker(0, 0, 0);

  CleaningMarker {
    if (cleanEndOffset < 0 || cleanThroughIndex < 0 || tombstoneEndOffset < 0 || tombstoneEndOffset > cleanEndOffset) {
      throw new IllegalArgumentException("cleanEndOffset=" + cleanEndOffset + " cleanThroughIndex=" + cleanThroughIndex
          + " tombstoneEndOffset=" + tombstoneEndOffset + " reason=bad-cleaning-marker");
    }
  }

  ByteBuffer encode() {
    return ByteBuffer.allocate(BYTES).putLong(MAGIC).putLong(cleanEndOffset).putLong(cleanThroughIndex)
        .putLong(tombstoneEndOffset).flip();
  }

  static boolean is(ByteBuffer payload) {
    return payload.remaining() == BYTES && payload.getLong(payload.position()) == MAGIC;
  }

  static CleaningMarker decode(ByteBuffer payload) {
    int at = payload.position();
    return new CleaningMarker(payload.getLong(at + 8), payload.getLong(at + 16), payload.getLong(at + 24));
  }

  /** The later of two markers, field by field (markers only ever raise each bound). */
  CleaningMarker max(CleaningMarker other) {
    return new CleaningMarker(Math.max(cleanEndOffset, other.cleanEndOffset),
        Math.max(cleanThroughIndex, other.cleanThroughIndex), Math.max(tombstoneEndOffset, other.tombstoneEndOffset));
  }
}
