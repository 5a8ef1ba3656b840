package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * A partition-log entry that moves the log start offset (DeleteRecords, later retention): it goes
 * through Raft like a produce, so every replica applies it at the same log position, and a log start
 * taken from committed entries never goes backwards across leader changes and restarts. 16 bytes,
 * shorter than any Kafka batch header, so it is never mistaken for records:
 * {@code magic long ("CHRLSO01"), offset long}.
 */
public final class LogStartMarker {
  static final long MAGIC = 0x4348524c534f3031L;
  static final int BYTES = 16;

  private LogStartMarker() {}

  public static ByteBuffer encode(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset=" + offset + " reason=negative-log-start");
    }
    return ByteBuffer.allocate(BYTES).putLong(MAGIC).putLong(offset).flip();
  }

  static boolean is(ByteBuffer payload) {
    return payload.remaining() == BYTES && payload.getLong(payload.position()) == MAGIC;
  }

  static long offset(ByteBuffer payload) {
    return payload.getLong(payload.position() + 8);
  }
}
