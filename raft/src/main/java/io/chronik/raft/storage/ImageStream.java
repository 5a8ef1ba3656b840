package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.LogIndexException;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotSource;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A leader's {@link SnapshotImage} produced in order, chunk by chunk, for one InstallSnapshot transfer:
 * the snapshot state (kept by the storage anyway), then the retained entries read from the log in
 * batches of {@code batchBytes}, then the trailing checksum. At no time does it hold more than one batch,
 * one encoded entry and the chunk being filled ({@link #peakHeldBytes}).
 *
 * <p>Pinned to the snapshot and first index it was opened with: the storage does not compact the entries
 * it has yet to read ({@link ImagePins}); should they still be gone, {@link #next} fails with
 * {@link LogIndexException} and the transfer starts over.
 */
final class ImageStream implements SnapshotSource {
  private final SnapshotMeta meta;
  private final LogStorage log;
  private final long batchBytes;
  private final CRC32C crc = new CRC32C();
  private final ArrayDeque<Entry> batch = new ArrayDeque<>();
  private long batchPayloadBytes;
  private long nextIndex;
  private ByteBuffer pending;
  private boolean trailerQueued;
  private long peakHeldBytes;
  private int chunkBytes;

  ImageStream(SnapshotMeta meta, byte[] state, long firstIndex, long prevTerm, LogStorage log, long batchBytes) {
    this.meta = meta;
    this.log = log;
    this.batchBytes = batchBytes;
    this.nextIndex = firstIndex;
    long count = meta.index() - firstIndex + 1;
    pending = ByteBuffer.allocate(8 + 4 + state.length + 8 + 8 + 4).putLong(SnapshotImage.MAGIC).putInt(state.length)
        .put(state).putLong(firstIndex).putLong(prevTerm).putInt((int) count).flip();
    crc.update(pending.duplicate());
  }

  @Override
  public SnapshotMeta meta() {
    return meta;
  }

  @Override
  public byte[] next(int maxBytes) {
    chunkBytes = maxBytes;
    ByteBuffer out = ByteBuffer.allocate(maxBytes);
    while (out.hasRemaining() && (pending.hasRemaining() || refill())) {
      int n = Math.min(out.remaining(), pending.remaining());
      out.put(pending.slice(pending.position(), n));
      pending.position(pending.position() + n);
    }
    if (out.hasRemaining()) {
      byte[] tail = new byte[out.position()];
      out.flip().get(tail);
      return tail;
    }
    return out.array();
  }

  /** The first index this stream still reads from the log, {@code Long.MAX_VALUE} once it read them all. */
  long pinnedFrom() {
    return nextIndex <= meta.index() ? nextIndex : Long.MAX_VALUE;
  }

  /** Most bytes held at once (read batch, encoded entry, chunk being filled): what bounds the leader's memory. */
  long peakHeldBytes() {
    return peakHeldBytes;
  }

  private boolean refill() {
    if (nextIndex <= meta.index()) {
      Entry e = nextEntry();
      pending = ByteBuffer.allocate(8 + 8 + 1 + 4 + e.payload().length).putLong(e.index()).putLong(e.term())
          .put((byte) e.type().ordinal()).putInt(e.payload().length).put(e.payload()).flip();
      crc.update(pending.duplicate());
      return true;
    }
    if (!trailerQueued) {
      trailerQueued = true;
      pending = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
      return true;
    }
    return false;
  }

  private Entry nextEntry() {
    if (batch.isEmpty()) {
      List<Entry> read = log.entries(nextIndex, meta.index() + 1, batchBytes);
      batch.addAll(read);
      batchPayloadBytes = read.stream().mapToLong(e -> e.payload().length).sum();
      // the batch, the entry encoded from it (at most as large) and the chunk being filled
      long largest = read.stream().mapToLong(e -> e.payload().length).max().orElse(0);
      peakHeldBytes = Math.max(peakHeldBytes, batchPayloadBytes + largest + chunkBytes);
    }
    Entry e = batch.poll();
    if (e.index() != nextIndex) {
      throw new LogIndexException(nextIndex, log.firstIndex(), log.lastIndex(), "snapshot-image-not-contiguous");
    }
    batchPayloadBytes -= e.payload().length;
    nextIndex++;
    return e;
  }
}
