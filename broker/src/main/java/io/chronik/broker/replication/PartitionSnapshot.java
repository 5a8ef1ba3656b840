package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * What a partition replica needs at a Raft index to continue from the log after it, stored as the
 * data of its Raft group's snapshot (index and term are the snapshot's own): the offset after the last
 * record at or below the index, the log start offset, and the idempotent-producer table as of the
 * index. Layout: {@code version byte (1), nextOffset long, logStartOffset long, producer table}
 * ({@link ProducerSequences#encode}).
 */
record PartitionSnapshot(long nextOffset, long logStartOffset, byte[] producerTable) {
  static final byte VERSION = 1;

  byte[] encode() {
    return ByteBuffer.allocate(17 + producerTable.length).put(VERSION).putLong(nextOffset)
        .putLong(logStartOffset).put(producerTable).array();
  }

  /** A snapshot written by {@link #encode}; anything else fails with {@code reason=}. */
  static PartitionSnapshot decode(byte[] data) {
    if (data.length < 17 || data[0] != VERSION) {
      throw new IllegalArgumentException("bytes=" + data.length + " version=" + (data.length > 0 ? data[0] : -1)
          + " reason=unknown-partition-snapshot");
    }
    ByteBuffer in = ByteBuffer.wrap(data);
    in.get();
    long nextOffset = in.getLong();
    long logStartOffset = in.getLong();
    byte[] table = new byte[in.remaining()];
    in.get(table);
    return new PartitionSnapshot(nextOffset, logStartOffset, table);
  }
}
