package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Read-only views of a group directory's segment files for tools that run beside the log's owner
 * (the snapshot archive, restore): any thread may call these, since they only read what the owner
 * already synced. A segment's frames up to an index the owner reported committed are whole on disk
 * (commit never passes the durable index), so {@link #committedPrefix} never races the writer.
 */
public final class SegmentFiles {
  /** The whole frames of a segment up to an index: how many bytes, the last index and its term. */
  public record Prefix(long bytes, long lastIndex, long lastTerm) {}

  /** The small files beside the segments that a copy of the group needs: log start, snapshots. */
  public static final List<String> STATE_FILES = List.of(SegmentedLog.META_FILE, SnapshotFile.FILE,
      SnapshotFile.PREVIOUS);

  private SegmentFiles() {}

  /** Segment files of {@code directory}, oldest (lowest base index) first. */
  public static List<Path> list(Path directory) throws IOException {
    List<Path> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      files.filter(p -> Segment.parseBase(p.getFileName().toString()) >= 0).forEach(segments::add);
    }
    segments.sort(Comparator.comparingLong(SegmentFiles::baseIndex));
    return segments;
  }

  /** Base index a segment file is named for, or -1 when the name is not a segment's. */
  public static long baseIndex(Path segment) {
    return Segment.parseBase(segment.getFileName().toString());
  }

  /** The file name of the segment starting at {@code baseIndex}. */
  public static String fileName(long baseIndex) {
    return Segment.fileName(baseIndex);
  }

  /**
   * The checksummed frames at the start of {@code segment} with index at most {@code throughIndex}:
   * reading stops at the first frame past it, at the zero-filled tail, or at a frame whose CRC fails.
   */
  public static Prefix committedPrefix(Path segment, long throughIndex) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    long position = 0;
    long lastIndex = baseIndex(segment) - 1;
    long lastTerm = 0;
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
      long size = channel.size();
      while (position + RecordFrame.HEADER_BYTES <= size) {
        header.clear();
        readFully(channel, header, position);
        int length = header.getInt(RecordFrame.LENGTH_OFFSET);
        long index = header.getLong(RecordFrame.INDEX_OFFSET);
        if (length < 0 || index > throughIndex || index != lastIndex + 1
            || position + RecordFrame.HEADER_BYTES + length > size) {
          break;
        }
        ByteBuffer frame = ByteBuffer.allocate(RecordFrame.HEADER_BYTES + length);
        readFully(channel, frame, position);
        if (RecordFrame.checksum(frame, 0, length, crc) != frame.getInt(RecordFrame.CRC_OFFSET)) {
          break;
        }
        lastIndex = index;
        lastTerm = frame.getLong(RecordFrame.TERM_OFFSET);
        position += RecordFrame.HEADER_BYTES + length;
      }
    }
    return new Prefix(position, lastIndex, lastTerm);
  }

  private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = channel.read(into, at);
      if (n < 0) {
        throw new IOException("file=" + channel + " position=" + at + " reason=unexpected-eof");
      }
      at += n;
    }
    into.flip();
  }
}
