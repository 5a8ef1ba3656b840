package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Rebuilds a {@link SegmentedLog} from its files: verifies every frame (CRC, index continuity,
 * monotonic terms and keys), rebuilds the sparse indexes, and decides what a bad frame means.
 *
 * <p>A bad frame is a <em>torn tail</em> (cut away and reported) only if nothing durable can lie
 * after it: it is in the last segment with data, no valid later frame follows it in that segment,
 * and its index is above the committed floor. Otherwise it is damage to durable data and opening
 * fails with {@link CorruptLogException}, unless repair was requested. This relies on the write
 * path's ordering: a segment is forced before the next one is written, and truncations cut the file
 * so stale frames never lie behind the tail.
 */
final class LogRecovery {
  /** How far past the expected index a frame found behind damage still counts as evidence. */
  private static final long EVIDENCE_INDEX_SPAN = 1 << 20;

  private final SegmentedLog log;
  private final long committedFloor;
  private final boolean repair;
  private final CRC32C crc = new CRC32C();
  private long droppedBytes;
  private int droppedSegments;
  private String cutSegment = "";
  private long cutOffset = -1;
  private String cutReason = "";
  private boolean repaired;
  /** Recovery deleted or cut something: its changes must be made durable even after a clean shutdown. */
  private boolean changed;

  LogRecovery(SegmentedLog log, long committedFloor, boolean repair) {
    this.log = log;
    this.committedFloor = committedFloor;
    this.repair = repair;
  }

  /** The directory held no file at all when recovery began (a brand-new group). */
  private boolean emptyAtOpen;
  /** "" when the state came from the {@link LogSummary}, else why the segments were scanned. */
  private String scanned = "";
  /** The summary was deleted here: not durable until the directory is synced. */
  private boolean summaryDeleted;

  void run() throws IOException {
    Disk disk = log.disk;
    Path directory = log.directory;
    log.parentsUnsynced(disk.createDirectories(directory));
    List<Long> bases = new ArrayList<>();
    List<String> names = disk.list(directory);
    emptyAtOpen = names.isEmpty();
    for (String name : names) {
      if (name.endsWith(ChecksummedFile.TMP_SUFFIX)) {
        disk.delete(directory.resolve(name)); // an atomic replace that never got renamed
        changed = true;
      } else if (name.equals(SegmentSpare.FILE)) {
        // a spare never taken (a crash, or a close before its preparation ended): no entry is in it, and a
        // delete lost in a crash only leaves it for the next open, so it is not a change to make durable
        disk.delete(directory.resolve(name));
      } else if (Segment.parseBase(name) >= 0) {
        bases.add(Segment.parseBase(name));
      }
    }
    Collections.sort(bases);
    ByteBuffer meta = ChecksummedFile.read(disk, directory.resolve(SegmentedLog.META_FILE),
        SegmentedLog.META_MAGIC);
    if (meta != null) {
      log.firstIndex = meta.getLong(0);
      log.prevTerm = meta.getLong(8);
    }
    // A crash may have interrupted prefix truncation after the new first index became durable.
    while (bases.size() > 1 && bases.get(1) <= log.firstIndex) {
      disk.delete(directory.resolve(Segment.fileName(bases.remove(0))));
      changed = true;
    }
    scanned = LogSummary.load(log, bases, changed);
    // gone before anything can write the log again, used or not (LogSummary: "Never stale")
    summaryDeleted = LogSummary.delete(disk, directory);
    if (!scanned.isEmpty()) {
      scanSegments(bases);
    }
    finish();
  }

  private void scanSegments(List<Long> bases) throws IOException {
    for (int slot = 0; slot < bases.size(); slot++) {
      long base = bases.get(slot);
      Path path = log.directory.resolve(Segment.fileName(base));
      Segment segment = new Segment(path, base, log.disk.open(path, false));
      log.segments.add(segment);
      if (slot == 0) {
        log.lastIndex = base - 1;
        log.lastTerm = 0;
        if (base > log.firstIndex) {
          cut(slot, 0, "missing-entries", true, log.firstIndex);
          return;
        }
      } else if (base != log.lastIndex + 1) {
        cut(slot, 0, "segment-gap", true, log.lastIndex + 1);
        return;
      }
      String reason = scan(segment);
      if (!reason.isEmpty()) {
        long badIndex = segment.lastIndex + 1;
        boolean evidence = badIndex <= committedFloor
            || laterSegmentsHoldData(slot + 1)
            || validFrameBehind(segment, segment.end, badIndex);
        cut(slot, segment.end, reason, evidence, badIndex);
        return;
      }
    }
  }

  /** Scans frames from offset 0; returns "" at a clean end (only zeros follow) or why it stopped. */
  private String scan(Segment segment) throws IOException {
    SegmentReader reader = log.reader;
    reader.reset(segment.channel, segment.channel.size());
    long position = 0;
    while (true) {
      int at = reader.window(position, RecordFrame.HEADER_BYTES);
      if (at < 0) {
        return reader.zeroFrom(position) ? "" : "torn-header";
      }
      ByteBuffer buffer = reader.buffer();
      int length = buffer.getInt(at + RecordFrame.LENGTH_OFFSET);
      if (buffer.getInt(at) == 0 && length == 0 && buffer.getLong(at + RecordFrame.INDEX_OFFSET) == 0) {
        return reader.zeroFrom(position) ? "" : "zero-header";
      }
      if (length < 0 || length > log.config.payloadBytesMax()) {
        return "bad-length";
      }
      at = reader.window(position, RecordFrame.HEADER_BYTES + length);
      if (at < 0) {
        return "torn-record";
      }
      buffer = reader.buffer();
      if (RecordFrame.checksum(buffer, at, length, crc) != buffer.getInt(at)) {
        return "crc-mismatch";
      }
      long index = buffer.getLong(at + RecordFrame.INDEX_OFFSET);
      long term = buffer.getLong(at + RecordFrame.TERM_OFFSET);
      long key = buffer.getLong(at + RecordFrame.KEY_OFFSET);
      if (index != log.lastIndex + 1) {
        return "index-mismatch";
      }
      if (term < log.lastTerm) {
        return "term-regression";
      }
      if (key != RecordFrame.NO_KEY && log.lastKey != RecordFrame.NO_KEY && key < log.lastKey) {
        return "key-regression";
      }
      segment.sample(index, key, (int) position, log.config.indexIntervalBytes());
      log.terms.append(index, term);
      position += RecordFrame.HEADER_BYTES + length;
      segment.end = (int) position;
      segment.lastIndex = index;
      log.lastIndex = index;
      log.lastTerm = term;
      if (key != RecordFrame.NO_KEY) {
        log.lastKey = key;
      }
    }
  }

  private boolean laterSegmentsHoldData(int fromSlot) throws IOException {
    List<String> names = log.disk.list(log.directory);
    for (String name : names) {
      long base = Segment.parseBase(name);
      if (base > log.segments.get(fromSlot - 1).baseIndex) {
        try (FileChannel channel = log.disk.open(log.directory.resolve(name), false)) {
          SegmentReader probe = new SegmentReader(4096);
          probe.reset(channel, channel.size());
          if (!probe.zeroFrom(0)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Whether a valid frame with an index after {@code badIndex} lies anywhere after {@code from}. */
  private boolean validFrameBehind(Segment segment, long from, long badIndex) throws IOException {
    FileChannel channel = segment.channel;
    long size = channel.size();
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(size - from, 1)));
    for (long start = from + 1; start + RecordFrame.HEADER_BYTES <= size; ) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), size - start));
      Segment.readFully(channel, chunk, start);
      int last = chunk.limit() - RecordFrame.HEADER_BYTES;
      for (int i = 0; i <= last; i++) {
        long index = chunk.getLong(i + RecordFrame.INDEX_OFFSET);
        if (index > badIndex && index <= badIndex + EVIDENCE_INDEX_SPAN && frameValidAt(channel, start + i, size)) {
          return true;
        }
      }
      start += last + 1;
    }
    return false;
  }

  private boolean frameValidAt(FileChannel channel, long position, long size) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    Segment.readFully(channel, header, position);
    int length = header.getInt(RecordFrame.LENGTH_OFFSET);
    if (length < 0 || position + RecordFrame.HEADER_BYTES + length > size) {
      return false;
    }
    ByteBuffer frame = ByteBuffer.allocate(RecordFrame.HEADER_BYTES + length);
    Segment.readFully(channel, frame, position);
    return RecordFrame.checksum(frame, 0, length, crc) == frame.getInt(0);
  }

  /** Cuts the log at {@code offset} of segment {@code slot}, or fails if that would lose durable data. */
  private void cut(int slot, long offset, String reason, boolean evidence, long badIndex) throws IOException {
    Segment segment = log.segments.get(slot);
    if (evidence && !repair) {
      throw new CorruptLogException(segment.name(), offset, reason,
          "index=" + badIndex + " committedFloor=" + committedFloor);
    }
    repaired = evidence;
    changed = true;
    cutSegment = segment.name();
    cutOffset = offset;
    cutReason = reason;
    boolean dropWhole = offset == 0 && (slot > 0 || segment.baseIndex > log.firstIndex);
    List<String> names = log.disk.list(log.directory);
    Collections.reverse(names);
    for (String name : names) { // newest first, so a crash part-way leaves a contiguous log
      long base = Segment.parseBase(name);
      if (base > segment.baseIndex) {
        log.disk.delete(log.directory.resolve(name));
        droppedSegments++;
      }
    }
    while (log.segments.size() > slot + 1) {
      log.segments.remove(log.segments.size() - 1).channel.close();
    }
    droppedBytes += segment.channel.size() - offset;
    if (dropWhole) {
      log.segments.remove(slot).channel.close();
      log.disk.delete(segment.path);
      droppedSegments++;
    } else {
      segment.channel.truncate(offset);
      segment.channel.force(true);
    }
    log.disk.syncDirectory(log.directory);
  }

  private void finish() throws IOException {
    if (log.lastIndex < committedFloor && committedFloor >= log.firstIndex && !repair) {
      Segment last = log.active();
      throw new CorruptLogException(last == null ? "none" : last.name(), last == null ? 0 : last.end,
          "missing-committed-entries", "lastIndex=" + log.lastIndex + " committedFloor=" + committedFloor);
    }
    if (log.segments.isEmpty() || log.lastIndex < log.firstIndex - 1) {
      // Nothing retained (fresh log, or a reset / prefix truncation past every entry).
      for (Segment segment : log.segments) {
        segment.channel.close();
        log.disk.delete(segment.path);
        changed = true;
      }
      log.segments.clear();
      log.terms.clear();
      log.lastIndex = log.firstIndex - 1;
      log.lastKey = RecordFrame.NO_KEY;
    }
    if (log.lastIndex == log.firstIndex - 1) {
      log.lastTerm = log.prevTerm;
    }
    // after a clean shutdown every byte and name found here was forced by the process that wrote it
    boolean forcedBefore = log.config.cleanShutdown() && !changed;
    if (!emptyAtOpen && !forcedBefore) {
      // names recovery deleted, or names a crashed process created without syncing, become durable;
      // a directory that was empty had neither (a new group opens without a directory fsync)
      log.disk.syncDirectory(log.directory);
      if (log.directory.getParent() != null) {
        // a crashed process may have created the directory itself and never synced its parent: the first
        // sync does (one per parent in a node-wide pass, not one per log here)
        log.parentsUnsynced(List.of(log.directory.getParent()));
      }
    }
    if (summaryDeleted && forcedBefore) {
      // no directory sync here (a trusted open pays none): the log's next sync makes the deletion durable,
      // before anything written after this open is
      log.directoryUnsynced = true;
    }
    Segment active = log.active();
    if (active != null) {
      // After a process crash, recovered bytes may sit only in the page cache: make them durable
      // before calling them durable.
      if (!forcedBefore) {
        active.channel.force(true);
      }
      log.startWritingAt(active.end);
    }
    log.durableIndex = log.lastIndex;
    log.recovery = new RecoveryReport(log.firstIndex, log.lastIndex, droppedBytes, droppedSegments,
        cutSegment, cutOffset, cutReason, repaired, scanned);
  }
}
