package io.chronik.raft.storage;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * A read-only walk over a group directory's segments and a node's hard-state journal, for tools that
 * inspect a data directory while its broker runs or after it stopped (replica agreement checks).
 *
 * <p>Unlike {@link SegmentedLog#open} it never repairs, truncates, deletes or creates anything: files
 * are opened for reading only. A live broker may be writing the tail, so the walk ends at the first
 * frame that is not whole and CRC-valid (a zero-filled preallocated tail, a frame being written, or
 * damage) and says why in {@link End#reason()}.
 */
public final class LogScan {
  private static final int READ_BUFFER_BYTES = 1 << 16;

  /** One CRC-valid frame: its header and its CRC32C (which covers index, term, key, kind and payload). */
  public record Frame(long index, long term, long key, int kind, int crc, int payloadBytes) {}

  /** Receives frames in index order. */
  @FunctionalInterface
  public interface Visitor {
    void frame(Frame frame) throws IOException;
  }

  /**
   * Where the walk ended: {@code lastIndex} (0 if no frame), the segments read, and why it stopped:
   * {@code end} (zeros or end of file after the last segment), {@code bad-frame} (a frame that is torn
   * or damaged, with the segment and file offset), or {@code gap} (an index out of sequence).
   */
  public record End(long firstIndex, long lastIndex, int segments, String reason, String segment, long offset) {}

  private LogScan() {}

  /** Walks every segment of {@code groupDir} in base-index order and hands each valid frame to {@code visitor}. */
  public static End frames(Path groupDir, Visitor visitor) throws IOException {
    List<Path> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(groupDir)) {
      files.filter(p -> p.getFileName().toString().endsWith(Segment.SUFFIX)).sorted().forEach(segments::add);
    }
    long first = 0;
    long expected = -1;
    int read = 0;
    for (Path segment : segments) {
      read++;
      long base = Segment.parseBase(segment.getFileName().toString());
      if (expected >= 0 && base != expected) {
        return new End(first, expected - 1, read, "gap", segment.getFileName().toString(), 0);
      }
      SegmentEnd end = segment(segment, base, visitor);
      if (first == 0 && end.next > base) {
        first = base;
      }
      expected = end.next;
      if (end.bad) {
        return new End(first, expected - 1, read, "bad-frame", segment.getFileName().toString(), end.offset);
      }
    }
    return new End(first, Math.max(0, expected - 1), read, "end", "", 0);
  }

  private record SegmentEnd(long next, boolean bad, long offset) {}

  private static SegmentEnd segment(Path file, long base, Visitor visitor) throws IOException {
    long size = Files.size(file);
    long offset = 0;
    long next = base;
    ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    byte[] payload = new byte[4096];
    CRC32C crc = new CRC32C();
    try (InputStream raw = Files.newInputStream(file, StandardOpenOption.READ);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, READ_BUFFER_BYTES))) {
      while (offset + RecordFrame.HEADER_BYTES <= size) {
        in.readFully(header.array());
        int stored = header.getInt(RecordFrame.CRC_OFFSET);
        int length = header.getInt(RecordFrame.LENGTH_OFFSET);
        long index = header.getLong(RecordFrame.INDEX_OFFSET);
        boolean zeros = stored == 0 && length == 0 && index == 0;
        if (zeros) {
          return new SegmentEnd(next, false, offset);
        }
        if (length < 0 || offset + RecordFrame.HEADER_BYTES + length > size) {
          return new SegmentEnd(next, true, offset);
        }
        if (payload.length < length) {
          payload = new byte[Integer.highestOneBit(length) << 1];
        }
        in.readFully(payload, 0, length);
        crc.reset();
        crc.update(header.array(), RecordFrame.LENGTH_OFFSET, RecordFrame.HEADER_BYTES - RecordFrame.LENGTH_OFFSET);
        crc.update(payload, 0, length);
        if ((int) crc.getValue() != stored || index != next) {
          return new SegmentEnd(next, true, offset);
        }
        visitor.frame(new Frame(index, header.getLong(RecordFrame.TERM_OFFSET), header.getLong(RecordFrame.KEY_OFFSET),
            header.getInt(RecordFrame.KIND_OFFSET), stored, length));
        next++;
        offset += RecordFrame.HEADER_BYTES + length;
      }
    } catch (EOFException e) {
      return new SegmentEnd(next, true, offset);
    }
    return new SegmentEnd(next, false, offset);
  }

  /**
   * The commit index of every group in the node's hard-state journal ({@code dir/hardstate.journal}),
   * read without recovering or truncating it; empty if there is none. A torn or damaged record ends
   * the read (what follows it is not trusted).
   */
  public static Map<String, Long> journalCommits(Path dir) throws IOException {
    Map<String, Long> commits = new HashMap<>();
    Path file = dir.resolve(HardStateJournal.FILE);
    if (!Files.exists(file)) {
      return commits;
    }
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
    int position = 0;
    CRC32C crc = new CRC32C();
    while (position + 4 <= all.limit()) {
      int length = all.getInt(position);
      int recordEnd = position + 4 + length + 4;
      if (length < 2 || recordEnd > all.limit()) {
        break;
      }
      crc.reset();
      crc.update(all.array(), position, 4 + length);
      if ((int) crc.getValue() != all.getInt(position + 4 + length)) {
        break;
      }
      int keyLength = all.getShort(position + 4) & 0xffff;
      if (keyLength + 2 + 8 + 4 + 8 != length) {
        break;
      }
      String key = new String(all.array(), position + 6, keyLength, StandardCharsets.UTF_8);
      long term = all.getLong(position + 6 + keyLength);
      long commit = all.getLong(position + 6 + keyLength + 12);
      if (term < 0) {
        commits.remove(key);
      } else {
        commits.put(key, commit);
      }
      position = recordEnd;
    }
    return commits;
  }

  /**
   * The commit index in a group's own {@code hardstate} file (directories written before the node
   * journal), or -1 if it has none or it does not check out; read-only.
   */
  public static long fileCommit(Path groupDir) throws IOException {
    Path file = groupDir.resolve(HardStateFile.FILE);
    if (!Files.exists(file)) {
      return -1;
    }
    byte[] content = Files.readAllBytes(file);
    if (content.length < 12 + 20) {
      return -1;
    }
    ByteBuffer all = ByteBuffer.wrap(content);
    int length = all.getInt(4);
    if (length != content.length - 12) {
      return -1;
    }
    CRC32C crc = new CRC32C();
    crc.update(content, 0, 8 + length);
    return (int) crc.getValue() == all.getInt(8 + length) ? all.getLong(8 + 12) : -1;
  }
}
