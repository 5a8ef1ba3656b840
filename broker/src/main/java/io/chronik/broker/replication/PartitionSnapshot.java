package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * What a partition replica needs at a Raft index to continue from the log after it, stored as the
 * data of its Raft group's snapshot (index and term are the snapshot's own): the offset after the last
 * record at or below the index, the log start offset, the compaction floor (the highest Raft index a
 * committed {@link LogStartMarker} said every replica holds; segments are deleted only below it), the
 * latest committed {@link CleaningMarker} (key compaction; its bounds must never go back, even after
 * retention deleted the entry that carried it) and the idempotent-producer table as of the index.
 * Layout: {@code version byte (3), nextOffset long, logStartOffset long, compactionFloorIndex long,
 * cleanEndOffset long, cleanThroughIndex long, tombstoneEndOffset long, producer table}
 * ({@link ProducerSequences#encode}); version 2 has no cleaning marker, version 1 (before retention) no
 * floor either; both read as zeros.
 */
record PartitionSnapshot(long nextOffset, long logStartOffset, long compactionFloorIndex, CleaningMarker cleaning,
    byte[] producerTable) {
  static final byte VERSION = 3;
  private static final byte VERSION_WITHOUT_CLEANING = 2;
  private static final byte VERSION_WITHOUT_FLOOR = 1;

  PartitionSnapshot(long nextOffset, long logStartOffset, long compactionFloorIndex, byte[] producerTable) {
    this(nextOffset, logStartOffset, compactionFloorIndex, CleaningMarker.NONE, producerTable);
  }

  byte[] encode() {
    return ByteBuffer.allocate(49 + producerTable.length).put(VERSION).putLong(nextOffset)
        .putLong(logStartOffset).putLong(compactionFloorIndex).putLong(cleaning.cleanEndOffset())
        .putLong(cleaning.cleanThroughIndex()).putLong(cleaning.tombstoneEndOffset()).put(producerTable).array();
  }

  /** The log start offset of encoded snapshot {@code data} (header only; the table is not copied). */
  static long logStartOffsetOf(byte[] data) {
    if (data.length < 17 || data[0] < VERSION_WITHOUT_FLOOR || data[0] > VERSION) {
      throw new IllegalArgumentException("bytes=" + data.length + " version=" + (data.length > 0 ? data[0] : -1)
          + " reason=unknown-partition-snapshot");
    }
    return ByteBuffer.wrap(data, 9, 8).getLong();
  }

  /** A snapshot written by {@link #encode} (or versions 1, 2); anything else fails with {@code reason=}. */
  static PartitionSnapshot decode(byte[] data) {
    byte version = data.length > 0 ? data[0] : -1;
    int header = switch (version) {
      case VERSION_WITHOUT_FLOOR -> 17;
      case VERSION_WITHOUT_CLEANING -> 25;
      case VERSION -> 49;
      default -> Integer.MAX_VALUE;
    };
    if (data.length < header) {
      throw new IllegalArgumentException("bytes=" + data.length + " version=" + version
          + " reason=unknown-partition-snapshot");
    }
    ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
    long nextOffset = in.getLong();
    long logStartOffset = in.getLong();
    long floor = version >= VERSION_WITHOUT_CLEANING ? in.getLong() : 0;
    CleaningMarker cleaning = version >= VERSION
        ? new CleaningMarker(in.getLong(), in.getLong(), in.getLong()) : CleaningMarker.NONE;
    byte[] table = new byte[in.remaining()];
    in.get(table);
    return new PartitionSnapshot(nextOffset, logStartOffset, floor, cleaning, table);
  }
}
