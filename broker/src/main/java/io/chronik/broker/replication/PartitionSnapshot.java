package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * What a partition replica needs at a Raft index to continue from the log after it, stored as the
 * data of its Raft group's snapshot (index and term are the snapshot's own): the offset after the last
 * record at or below the index, the log start offset, the compaction floor (the highest Raft index a
 * committed {@link LogStartMarker} said every replica holds; segments are deleted only below it) and
 * the idempotent-producer table as of the index. Layout: {@code version byte (2), nextOffset long,
 * logStartOffset long, compactionFloorIndex long, producer table} ({@link ProducerSequences#encode});
 * version 1 (before retention) has no floor and reads as floor 0.
 */
record PartitionSnapshot(long nextOffset, long logStartOffset, long compactionFloorIndex, byte[] producerTable) {
  static final byte VERSION = 2;
  private static final byte VERSION_WITHOUT_FLOOR = 1;

  byte[] encode() {
    return ByteBuffer.allocate(25 + producerTable.length).put(VERSION).putLong(nextOffset)
        .putLong(logStartOffset).putLong(compactionFloorIndex).put(producerTable).array();
  }

  /** A snapshot written by {@link #encode} (or version 1); anything else fails with {@code reason=}. */
  static PartitionSnapshot decode(byte[] data) {
    int header = data.length > 0 && data[0] == VERSION_WITHOUT_FLOOR ? 17 : 25;
    if (data.length < header || (data[0] != VERSION && data[0] != VERSION_WITHOUT_FLOOR)) {
      throw new IllegalArgumentException("bytes=" + data.length + " version=" + (data.length > 0 ? data[0] : -1)
          + " reason=unknown-partition-snapshot");
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    byte version = in.get();
    long nextOffset = in.getLong();
    long logStartOffset = in.getLong();
    long floor = version == VERSION ? in.getLong() : 0;
    byte[] table = new byte[in.remaining()];
    in.get(table);
    return new PartitionSnapshot(nextOffset, logStartOffset, floor, table);
  }
}
