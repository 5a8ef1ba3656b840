package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A small file an owner of a {@link SegmentedLog} keeps in the log's directory beside its {@link LogSummary},
 * under the same rules: written unforced by a clean close after the log's {@code closeClean} (it spares work
 * only: lost or torn it costs a rebuild, never a wrong state), and deleted by the owner at every open before
 * anything is written, the deletion made durable by the log's next sync, which precedes anything written
 * after the open becoming durable (the log's directory is marked unsynced). The owner trusts it only when
 * the log itself opened from its summary ({@link RecoveryReport#fromSummary()}). Layout as {@link
 * ChecksummedFile}: magic, length, body, CRC32C.
 */
public final class CompanionFile {
  private CompanionFile() {}

  /** Replaces {@code name} in {@code log}'s directory by {@code body} (temp file and rename, nothing forced). */
  public static void writeUnforced(SegmentedLog log, String name, int magic, ByteBuffer body) throws IOException {
    ChecksummedFile.writeUnforced(log.disk, file(log, name), magic, body);
  }

  /** The body, or null when there is no such file; a damaged file throws {@link CorruptLogException}. */
  public static ByteBuffer read(SegmentedLog log, String name, int magic) throws IOException {
    return ChecksummedFile.read(log.disk, file(log, name), magic);
  }

  /**
   * Deletes {@code name} (and a temp file a crashed write left) if present; the log's next sync makes the
   * deletion durable. Call on the log's thread, before anything is appended after the open.
   */
  public static void delete(SegmentedLog log, String name) throws IOException {
    Path file = file(log, name);
    Path tmp = file.resolveSibling(name + ChecksummedFile.TMP_SUFFIX);
    for (Path p : new Path[] {file, tmp}) {
      if (log.disk.exists(p)) {
        log.disk.delete(p);
        log.directoryUnsynced = true;
      }
    }
  }

  /**
   * The open channel of segment {@code baseIndex}, or null when the log has no segment starting there: what a
   * {@link LogSlice} of its entries names, so an owner can map stored regions to channels without reading.
   */
  public static java.nio.channels.FileChannel segmentChannel(SegmentedLog log, long baseIndex) {
    for (Segment s : log.segments) {
      if (s.baseIndex == baseIndex) {
        return s.channel;
      }
    }
    return null;
  }

  private static Path file(SegmentedLog log, String name) {
    if (name.isEmpty() || name.contains("/") || name.equals(LogSummary.FILE) || name.equals(SegmentedLog.META_FILE)) {
      throw new IllegalArgumentException("name=" + name + " reason=not-a-companion-name");
    }
    return log.directory.resolve(name);
  }
}
