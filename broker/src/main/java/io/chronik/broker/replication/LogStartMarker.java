package io.chronik.broker.replication;

import java.nio.ByteBuffer;

/**
 * A partition-log entry that moves the log start offset (DeleteRecords, retention): it goes through
 * Raft like a produce, so every replica applies it at the same log position, and a log start taken
 * from committed entries never goes backwards across leader changes and restarts. Shorter than any
 * Kafka batch header, so it is never mistaken for records. Two layouts:
 * <ul>
 *   <li>{@code magic long ("CHRLSO01"), offset long} (16 bytes, DeleteRecords);
 *   <li>{@code magic long ("CHRLSO02"), offset long, compactionFloorIndex long} (24 bytes, retention):
 *       the leader also names a Raft index every replica had (matched) and that was committed when it
 *       proposed; replicas delete whole segments only below it, so a member close behind is brought up
 *       to date by appends (one further behind than {@code raft.catchup.hold.entries} is not waited for and
 *       gets InstallSnapshot of the snapshot plus the retained records).
 * </ul>
 */
public final class LogStartMarker {
  static final long MAGIC = 0x4348524c534f3031L;
  static final long MAGIC_WITH_FLOOR = 0x4348524c534f3032L;
  static final int BYTES = 16;
  static final int BYTES_WITH_FLOOR = 24;

  private LogStartMarker() {}

  public static ByteBuffer encode(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset=" + offset + " reason=negative-log-start");
    }
    return ByteBuffer.allocate(BYTES).putLong(MAGIC).putLong(offset).flip();
  }

  static ByteBuffer encode(long offset, long compactionFloorIndex) {
    if (offset < 0 || compactionFloorIndex < 0) {
      throw new IllegalArgumentException("offset=" + offset + " compactionFloorIndex=" + compactionFloorIndex
          + " reason=negative-log-start");
    }
    return ByteBuffer.allocate(BYTES_WITH_FLOOR).putLong(MAGIC_WITH_FLOOR).putLong(offset)
        .putLong(compactionFloorIndex).flip();
  }

  static boolean is(ByteBuffer payload) {
    int n = payload.remaining();
    long magic = n >= 8 ? payload.getLong(payload.position()) : 0;
    return (n == BYTES && magic == MAGIC) || (n == BYTES_WITH_FLOOR && magic == MAGIC_WITH_FLOOR);
  }

  static long offset(ByteBuffer payload) {
    return payload.getLong(payload.position() + 8);
  }

  /** The compaction floor the marker names, 0 for a marker without one. */
  static long compactionFloorIndex(ByteBuffer payload) {
    return payload.remaining() == BYTES_WITH_FLOOR ? payload.getLong(payload.position() + 16) : 0;
  }
}
