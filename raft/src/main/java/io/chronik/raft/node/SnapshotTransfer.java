package io.chronik.raft.node;

import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotSource;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.zip.CRC32C;

/**
 * One InstallSnapshot transfer from this leader to one follower, streamed: chunks are read from the
 * storage's {@link SnapshotSource} as they go out, never the whole image. Each chunk is
 * {@code crc32c int, data}; the last one carries the CRC32C of the whole image in {@code context}.
 *
 * <p>Flow control: at most {@link RaftOptions#snapshotWindowBytes()} sent and not yet acknowledged by a
 * {@link MessageType#SNAPSHOT_STATUS}; those chunks are kept, so a gap the follower reports is resent
 * without reading again. A transfer starts where the follower last said it holds this image
 * ({@link #resumeAt}, from an earlier transfer that broke off), else at 0; a follower that holds more
 * (or less) says so with its first status and the transfer continues from there — reading (and hashing,
 * for the whole-image checksum) what the follower holds without sending it, at most
 * {@link #SKIP_BYTES_PER_PUMP} per call. The rate limit ({@link RaftOptions#snapshotBytesPerTick()}) is
 * a budget per tick shared by every send.
 */
final class SnapshotTransfer {
  /** Image bytes read without being sent (a resume point being caught up with) per call of {@link #pump}. */
  static final long SKIP_BYTES_PER_PUMP = 32L << 20;

  private record Chunk(long offset, byte[] data, boolean last, int imageCrc) {}

  private final LogStorage storage;
  private final RaftOptions options;
  private final SnapshotMeta meta;
  private final ArrayDeque<Chunk> unacked = new ArrayDeque<>();
  private SnapshotSource source;
  private CRC32C crc = new CRC32C();
  /** Image bytes taken from the source (all of them hashed). */
  private long read;
  /** The follower holds the image up to here. */
  private long acked;
  /** Offset of the next chunk to send. */
  private long next;
  private boolean lastSent;
  /** The next chunk tells the follower to drop what it holds of this image (it holds more than it has). */
  private boolean restartImage;
  private long tickBudget;
  private boolean broken;
  private long peakUnackedBytes;

  SnapshotTransfer(LogStorage storage, RaftOptions options) {
    this.storage = storage;
    this.options = options;
    this.source = storage.snapshotSource();
    this.meta = source.meta();
    this.tickBudget = options.snapshotBytesPerTick();
  }

  SnapshotMeta meta() {
    return meta;
  }

  /** Before the first {@link #pump}: the follower held {@code offset} bytes of this image when an earlier transfer ended. */
  void resumeAt(long offset) {
    acked = offset;
    next = offset;
  }

  /** How far the follower holds the image, as it last said. */
  long acked() {
    return acked;
  }

  /** A new tick: the rate limit's budget is refilled. */
  void tick() {
    tickBudget = options.snapshotBytesPerTick();
  }

  /**
   * The follower's status: it holds {@code held} bytes of this image. Returns false when the transfer
   * cannot go on ({@link #broken}).
   */
  boolean onStatus(long held, boolean reject) {
    if (!reject && held < acked) {
      return true; // an older acknowledgement overtaken by a newer one: only a reject moves back
    }
    if (held >= acked && held <= next) {
      acked = held;
      while (!unacked.isEmpty() && unacked.peek().offset() + unacked.peek().data().length <= held) {
        unacked.poll();
      }
      if (reject && held < next) {
        rewind(held); // a gap: resend from there
      }
      return true;
    }
    if (held > next) {
      // the follower holds more than this transfer sent: an earlier one broke off there
      acked = held;
      next = held;
      lastSent = false;
      unacked.removeIf(c -> c.offset() + c.data().length <= held);
      return true;
    }
    // it lost what it acknowledged (its image was refused whole, or it restarted and cut a torn tail)
    acked = held;
    return rewind(held);
  }

  /** Sends chunks while the window and the tick's budget allow; returns the image bytes sent. */
  long pump(RaftNode node, int to) {
    skipToNext();
    if (read < next) {
      return 0; // still catching up with the follower's resume point
    }
    long window = Math.max(options.snapshotWindowBytes(), options.snapshotChunkBytes());
    long sent = 0;
    while (!lastSent && next - acked < window && tickBudget > 0) {
      Chunk c = next < read ? retained(next) : readChunk();
      if (c == null) {
        rewind(next);
        return sent;
      }
      CRC32C chunkCrc = new CRC32C();
      chunkCrc.update(c.data());
      byte[] part = ByteBuffer.allocate(4 + c.data().length).putInt((int) chunkCrc.getValue()).put(c.data()).array();
      node.send(Message.of(MessageType.SNAPSHOT, node.id(), to, node.term()).snapshot(meta, c.offset(), part, c.last())
          .context(c.last() ? c.imageCrc() & 0xffffffffL : 0).rejected(restartImage && c.offset() == 0).build());
      restartImage = false;
      next += c.data().length;
      lastSent = c.last();
      tickBudget -= Math.max(1, c.data().length);
      sent += c.data().length;
    }
    peakUnackedBytes = Math.max(peakUnackedBytes, next - acked);
    return sent;
  }

  /** The transfer cannot go on: it must start over with the storage's current snapshot. */
  boolean broken() {
    return broken;
  }

  /** The most image bytes this transfer had sent and not yet acknowledged at once. */
  long peakUnackedBytes() {
    return peakUnackedBytes;
  }

  private Chunk readChunk() {
    int size = options.snapshotChunkBytes();
    byte[] data = source.next(size);
    crc.update(data);
    read += data.length;
    boolean last = data.length < size;
    Chunk c = new Chunk(next, data, last, last ? (int) crc.getValue() : 0);
    unacked.add(c);
    return c;
  }

  private Chunk retained(long offset) {
    for (Chunk c : unacked) {
      if (c.offset() == offset) {
        return c;
      }
    }
    return null;
  }

  /** Reads (and hashes) the image up to {@code next} without sending it, within this call's allowance. */
  private void skipToNext() {
    long allowance = SKIP_BYTES_PER_PUMP;
    while (read < next && allowance > 0) {
      byte[] data = source.next((int) Math.min(options.snapshotChunkBytes(), next - read));
      if (data.length == 0) {
        // the image ends before what the follower holds: it holds bytes of another image of this snapshot
        restartImage = true;
        rewind(0);
        acked = 0;
        return;
      }
      crc.update(data);
      read += data.length;
      allowance -= data.length;
    }
  }

  /** Sends again from {@code offset}: from the kept chunks when they reach back that far, else reads anew. */
  private boolean rewind(long offset) {
    lastSent = false;
    if (retained(offset) != null || offset == read) {
      next = offset;
      return true;
    }
    if (!storage.snapshotMeta().equals(meta)) {
      broken = true; // a newer snapshot replaced this one: a new transfer ships that
      return false;
    }
    source = storage.snapshotSource();
    crc = new CRC32C();
    read = 0;
    unacked.clear();
    next = offset;
    acked = Math.min(acked, offset);
    return true;
  }
}
