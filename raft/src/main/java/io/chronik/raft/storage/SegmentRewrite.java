package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Replaces one closed segment of a {@link SegmentedLog} by a copy whose payloads were rewritten (Kafka key
 * compaction drops superseded records from entries that stay in place). Crash safety: the copy is written
 * to {@code <segment>.log.tmp} and forced, then renamed over the segment and the directory is fsynced, so a
 * crash leaves the old or the new file whole under the segment's name — both hold the same indexes, terms
 * and keys, and both pass recovery. A temp file left by a crash before the rename is deleted on open
 * ({@link LogRecovery} removes every {@code .tmp}).
 */
public final class SegmentRewrite {
  /** Bytes read from the old segment per step (entries are streamed, not loaded whole). */
  private static final long READ_CHUNK_BYTES = 4L << 20;

  /** Decides an entry's new payload. */
  @FunctionalInterface
  public interface PayloadRewrite {
    /** The new payload of entry {@code index}, or null to keep {@code payload} as it is. */
    byte[] rewrite(long index, long key, int kind, byte[] payload) throws IOException;
  }

  private final SegmentedLog log;
  private final Segment old;
  private final ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
  private final CRC32C crc = new CRC32C();

  SegmentRewrite(SegmentedLog log, Segment old) {
    this.log = log;
    this.old = old;
  }

  static Path tempPath(Path segment) {
    return segment.resolveSibling(segment.getFileName() + ChecksummedFile.TMP_SUFFIX);
  }

  /** Writes, forces and swaps in the copy; returns the new segment, or null when no payload changed. */
  Segment run(PayloadRewrite rewrite) throws IOException {
    Disk disk = log.disk;
    Path temp = tempPath(old.path);
    disk.delete(temp);
    boolean changed = false;
    Segment copy = new Segment(old.path, old.baseIndex, null);
    try (FileChannel out = disk.open(temp, true)) {
      long position = 0;
      for (long index = old.baseIndex; index <= old.lastIndex; ) {
        List<LogEntry> chunk = log.read(index, old.lastIndex + 1, READ_CHUNK_BYTES);
        for (LogEntry e : chunk) {
          byte[] replaced = rewrite.rewrite(e.index(), e.key(), e.kind(), e.payload());
          changed |= replaced != null;
          ByteBuffer payload = ByteBuffer.wrap(replaced == null ? e.payload() : replaced);
          copy.sample(e.index(), e.key(), (int) position, log.config.indexIntervalBytes());
          position += write(out, position, e, payload);
        }
        index += chunk.size();
      }
      if (changed) {
        out.force(true);
      }
      copy.end = (int) position;
    }
    if (!changed) {
      disk.delete(temp); // nothing to replace; the name was never synced, so a crash may also drop it
      return null;
    }
    disk.rename(temp, old.path);
    disk.syncDirectory(log.directory);
    Segment swapped = new Segment(old.path, old.baseIndex, disk.open(old.path, false));
    swapped.adoptSamples(copy);
    swapped.end = copy.end;
    swapped.lastIndex = old.lastIndex;
    return swapped;
  }

  private long write(FileChannel out, long position, LogEntry e, ByteBuffer payload) throws IOException {
    RecordFrame.encodeHeader(header, crc, e.index(), e.term(), e.key(), e.kind(), payload);
    ByteBuffer[] parts = {header.clear(), payload.duplicate()};
    long total = RecordFrame.HEADER_BYTES + (long) payload.remaining();
    out.position(position);
    for (long written = 0; written < total; ) {
      written += out.write(parts);
    }
    return total;
  }
}
