package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Replaces one closed segment of a {@link SegmentedLog} by a copy whose payloads were rewritten (Kafka key
 * compaction drops superseded records from entries that stay in place), in two phases so the expensive one
 * can run off the log's thread:
 * <ol>
 *   <li>{@link #prepare}, any thread: reads the segment through its own channel (every frame CRC-checked),
 *       and once a payload changes writes the copy — same index, term, key and kind per entry — to
 *       {@code <segment>.log.tmp} and forces it;
 *   <li>{@link SegmentedLog#swapRewritten}, the log's thread: if the segment is still the closed segment
 *       the copy was made from, renames the copy over it and fsyncs the directory; else deletes the copy.
 * </ol>
 * A crash leaves the old or the new file whole under the segment's name — both hold the same indexes,
 * terms and keys and both pass recovery; a temp file left by a crash before the rename is deleted on open
 * ({@link LogRecovery} removes every {@code .tmp}).
 */
public final class SegmentRewrite {
  private SegmentRewrite() {}

  /** Decides an entry's new payload. */
  @FunctionalInterface
  public interface PayloadRewrite {
    /** The new payload of entry {@code index}, or null to keep {@code payload} as it is. */
    byte[] rewrite(long index, long key, int kind, byte[] payload) throws IOException;
  }

  /** Receives a segment's entries in index order. */
  @FunctionalInterface
  public interface EntryVisitor {
    void entry(LogEntry entry) throws IOException;
  }

  /**
   * One segment as another thread may read it: its file, the entries it held durably when this was taken,
   * and the log's limits. Taken on the log's thread ({@link SegmentedLog#segmentSource}).
   */
  public record Source(Disk disk, Path file, long baseIndex, long lastIndex, int indexIntervalBytes,
      int payloadBytesMax) {}

  /** Receives where an entry's payload lies in a rewritten copy. */
  @FunctionalInterface
  public interface RegionVisitor {
    void region(long index, long key, long payloadPosition, int payloadLength);
  }

  /** A rewritten copy, forced to its temp file, waiting for {@link SegmentedLog#swapRewritten}. */
  public static final class Prepared {
    final Source source;
    final Path temp;
    final Segment copy;
    private final long[] keys;
    private final long[] positions;
    private final int[] lengths;

    private Prepared(Source source, Path temp, Segment copy, long[] keys, long[] positions, int[] lengths) {
      this.source = source;
      this.temp = temp;
      this.copy = copy;
      this.keys = keys;
      this.positions = positions;
      this.lengths = lengths;
    }

    /** Every entry's key and payload region in the copy, in index order (to re-point readers after the swap). */
    public void forEachRegion(RegionVisitor visitor) {
      for (int i = 0; i < keys.length; i++) {
        visitor.region(source.baseIndex() + i, keys[i], positions[i], lengths[i]);
      }
    }

    public long baseIndex() {
      return source.baseIndex();
    }

    /** Bytes of the copy. */
    public long bytes() {
      return copy.end;
    }
  }

  static Path tempPath(Path segment) {
    return segment.resolveSibling(segment.getFileName() + ChecksummedFile.TMP_SUFFIX);
  }

  /** Any thread: hands every entry of {@code source} up to {@code throughIndex} to {@code visitor}. */
  public static void read(Source source, long throughIndex, EntryVisitor visitor) throws IOException {
    try (FileChannel in = source.disk().open(source.file(), false)) {
      new FrameWalk(source, in).run(throughIndex, (entry, position) -> visitor.entry(entry));
    }
  }

  /** Any thread: phase one (see the class comment); null when no payload changed (nothing is left behind). */
  public static Prepared prepare(Source source, PayloadRewrite rewrite) throws IOException {
    Disk disk = source.disk();
    Path temp = tempPath(source.file());
    disk.delete(temp);
    Segment copy = new Segment(source.file(), source.baseIndex(), null);
    ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    CRC32C crc = new CRC32C();
    FileChannel[] out = {null};
    int entries = (int) (source.lastIndex() - source.baseIndex() + 1);
    long[] keys = new long[entries];
    long[] positions = new long[entries];
    int[] lengths = new int[entries];
    boolean done = false;
    try (FileChannel in = disk.open(source.file(), false)) {
      long[] written = {0};
      new FrameWalk(source, in).run(source.lastIndex(), (e, position) -> {
        byte[] replaced = rewrite.rewrite(e.index(), e.key(), e.kind(), e.payload());
        if (replaced != null && out[0] == null) {
          out[0] = disk.open(temp, true);
          copyPrefix(in, out[0], position); // the frames before the first change, byte for byte
          written[0] = position;
        }
        long at = out[0] == null ? position : written[0];
        copy.sample(e.index(), e.key(), (int) at, source.indexIntervalBytes());
        int slot = (int) (e.index() - source.baseIndex());
        keys[slot] = e.key();
        positions[slot] = at + RecordFrame.HEADER_BYTES;
        lengths[slot] = replaced == null ? e.payload().length : replaced.length;
        if (out[0] != null) {
          ByteBuffer payload = ByteBuffer.wrap(replaced == null ? e.payload() : replaced);
          RecordFrame.encodeHeader(header, crc, e.index(), e.term(), e.key(), e.kind(), payload);
          written[0] += writeFully(out[0], written[0], header.clear(), payload);
        }
      });
      if (out[0] == null) {
        return null;
      }
      out[0].force(true);
      copy.end = (int) written[0];
      copy.lastIndex = source.lastIndex();
      done = true;
      return new Prepared(source, temp, copy, keys, positions, lengths);
    } finally {
      if (out[0] != null) {
        out[0].close();
      }
      if (!done && out[0] != null) {
        disk.delete(temp);
      }
    }
  }

  /**
   * Both phases on the log's thread (tools and tests): rewrites closed segment {@code baseIndex} of {@code log};
   * the active segment is refused. Returns the replaced file's channel (the caller closes it), or null when no
   * payload changed.
   */
  public static FileChannel rewrite(SegmentedLog log, long baseIndex, PayloadRewrite rewrite) throws IOException {
    Source source = log.segmentSource(baseIndex);
    Segment segment = log.segments.stream().filter(s -> s.baseIndex == baseIndex).findFirst().orElseThrow();
    if (segment == log.active() || baseIndex < log.firstIndex || source.lastIndex() != segment.lastIndex) {
      throw new IllegalArgumentException("baseIndex=" + baseIndex + " firstIndex=" + log.firstIndex
          + " reason=not-a-closed-durable-segment");
    }
    Prepared prepared = prepare(source, rewrite);
    return prepared == null ? null : log.swapRewritten(prepared);
  }

  /** Deletes the copy of a prepared rewrite that will not be swapped in. */
  public static void discard(Prepared prepared) throws IOException {
    prepared.source.disk().delete(prepared.temp);
  }

  /** See {@link SegmentedLog#swapRewritten}. */
  static FileChannel swap(SegmentedLog log, Prepared prepared) throws IOException {
    List<Segment> segments = log.segments;
    int slot = segments.isEmpty() ? -1 : log.lookup.segmentSlot(prepared.baseIndex());
    Segment current = slot >= 0 && segments.get(slot).baseIndex == prepared.baseIndex() ? segments.get(slot) : null;
    Segment swapped = swap(log, current, prepared);
    if (swapped == null) {
      return null;
    }
    segments.set(slot, swapped);
    return current.channel;
  }

  /** Phase two, on the log's thread: the new segment, or null when the log changed and the copy was dropped. */
  private static Segment swap(SegmentedLog log, Segment current, Prepared prepared) throws IOException {
    Disk disk = log.disk;
    boolean stillSame = current != null && current != log.active() && current.lastIndex == prepared.source.lastIndex()
        && current.baseIndex >= log.firstIndex && current.path.equals(prepared.source.file());
    if (!stillSame) {
      disk.delete(prepared.temp);
      return null;
    }
    disk.rename(prepared.temp, current.path);
    disk.syncDirectory(log.directory);
    Segment swapped = new Segment(current.path, current.baseIndex, disk.open(current.path, false));
    swapped.adoptSamples(prepared.copy);
    swapped.end = prepared.copy.end;
    swapped.lastIndex = current.lastIndex;
    return swapped;
  }

  private static void copyPrefix(FileChannel in, FileChannel out, long bytes) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(bytes, 1)));
    for (long at = 0; at < bytes; ) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - at));
      Segment.readFully(in, chunk, at);
      chunk.flip();
      at += writeFully(out, at, chunk);
    }
  }

  private static long writeFully(FileChannel out, long position, ByteBuffer... parts) throws IOException {
    long total = 0;
    for (ByteBuffer part : parts) {
      total += part.remaining();
    }
    out.position(position);
    for (long written = 0; written < total; ) {
      written += out.write(parts);
    }
    return total;
  }

  /** Walks a segment's frames from offset 0 through its own channel, checking each like recovery does. */
  private static final class FrameWalk {
    interface Step {
      void frame(LogEntry entry, long position) throws IOException;
    }

    private final Source source;
    private final SegmentReader reader;
    private final CRC32C crc = new CRC32C();

    FrameWalk(Source source, FileChannel in) throws IOException {
      this.source = source;
      this.reader = new SegmentReader(64 << 10);
      reader.reset(in, in.size());
    }

    void run(long throughIndex, Step step) throws IOException {
      long position = 0;
      String name = source.file().getFileName().toString();
      for (long index = source.baseIndex(); index <= Math.min(throughIndex, source.lastIndex()); index++) {
        int at = reader.window(position, RecordFrame.HEADER_BYTES);
        int length = at < 0 ? -1 : reader.buffer().getInt(at + RecordFrame.LENGTH_OFFSET);
        if (length < 0 || length > source.payloadBytesMax()) {
          throw new CorruptLogException(name, position, "bad-length", "index=" + index);
        }
        at = reader.window(position, RecordFrame.HEADER_BYTES + length);
        ByteBuffer buffer = reader.buffer();
        if (at < 0 || RecordFrame.checksum(buffer, at, length, crc) != buffer.getInt(at)
            || buffer.getLong(at + RecordFrame.INDEX_OFFSET) != index) {
          throw new CorruptLogException(name, position, "crc-or-index-mismatch", "index=" + index);
        }
        byte[] payload = new byte[length];
        buffer.get(at + RecordFrame.HEADER_BYTES, payload);
        step.frame(new LogEntry(index, buffer.getLong(at + RecordFrame.TERM_OFFSET),
            buffer.getLong(at + RecordFrame.KEY_OFFSET), buffer.getInt(at + RecordFrame.KIND_OFFSET), payload), position);
        position += RecordFrame.HEADER_BYTES + length;
      }
    }
  }
}
