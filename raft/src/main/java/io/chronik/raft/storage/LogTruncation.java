package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The durable removal of entries at either end of a {@link SegmentedLog}: a conflicting suffix (Raft), a
 * prefix below a snapshot or the retention point, or everything (a snapshot installed). Each is durable
 * before it returns and leaves a contiguous log at every crash point; recovery ({@link LogRecovery})
 * finishes an interrupted prefix deletion. Runs on the log's thread, on its package-private state.
 */
final class LogTruncation {
  private final SegmentedLog log;

  LogTruncation(SegmentedLog log) {
    this.log = log;
  }

  /** See {@link SegmentedLog#truncateSuffix}. */
  void suffix(long fromIndex) throws IOException {
    if (fromIndex > log.lastIndex) {
      return;
    }
    if (fromIndex < log.firstIndex) {
      throw new IllegalArgumentException("fromIndex=" + fromIndex + " firstIndex=" + log.firstIndex
          + " reason=truncate-below-first-index");
    }
    log.flushBuffer();
    // Newest first, so a crash part-way leaves a contiguous log.
    boolean deleted = false;
    while (!log.segments.isEmpty() && log.active().baseIndex >= fromIndex) {
      Segment doomed = log.segments.remove(log.segments.size() - 1);
      doomed.channel.close();
      log.disk.delete(doomed.path);
      deleted = true;
    }
    if (deleted) {
      log.disk.syncDirectory(log.directory);
    }
    Segment active = log.active();
    if (active != null && active.lastIndex >= fromIndex) {
      int position = (int) log.lookup.positionOf(active, fromIndex);
      // Cutting the file (not just moving the end) keeps stale frames from ever reappearing
      // behind a later torn write.
      active.channel.truncate(position);
      active.channel.force(true);
      active.unforced = false;
      active.end = position;
      active.lastIndex = fromIndex - 1;
      active.dropSamplesFrom(position);
    }
    log.startWritingAt(active == null ? 0 : active.end);
    log.terms.truncateFrom(fromIndex);
    log.lastIndex = fromIndex - 1;
    log.lastTerm = log.lastIndex >= log.firstIndex ? log.terms.termAt(log.lastIndex) : log.prevTerm;
    log.lastKey = RecordFrame.NO_KEY; // monotonicity is re-checked from the next keyed append on
    log.durableIndex = Math.min(log.durableIndex, log.lastIndex);
  }

  /** See {@link SegmentedLog#truncatePrefix}. */
  void prefix(long newFirstIndex) throws IOException {
    if (newFirstIndex <= log.firstIndex) {
      return;
    }
    if (newFirstIndex > log.lastIndex + 1) {
      throw new IllegalArgumentException("newFirstIndex=" + newFirstIndex + " lastIndex=" + log.lastIndex
          + " reason=prefix-beyond-log-use-reset");
    }
    long newPrevTerm = log.term(newFirstIndex - 1);
    writeMeta(newFirstIndex, newPrevTerm);
    log.firstIndex = newFirstIndex;
    log.prevTerm = newPrevTerm;
    boolean deleted = false;
    while (log.segments.size() > 1 && log.segments.get(1).baseIndex <= newFirstIndex) {
      Segment doomed = log.segments.remove(0);
      doomed.channel.close();
      log.disk.delete(doomed.path);
      deleted = true;
    }
    if (deleted) {
      log.disk.syncDirectory(log.directory);
    }
  }

  /** Records the log's first index and the term before it ({@code log.meta}), atomically and durably. */
  private void writeMeta(long first, long termBeforeFirst) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(16).putLong(first).putLong(termBeforeFirst).flip();
    ChecksummedFile.write(log.disk, log.directory.resolve(SegmentedLog.META_FILE), SegmentedLog.META_MAGIC, body);
  }

  /** See {@link SegmentedLog#reset}. */
  void reset(long newFirstIndex, long newPrevTerm) throws IOException {
    log.flushBuffer();
    writeMeta(newFirstIndex, newPrevTerm);
    for (Segment doomed : log.segments) {
      doomed.channel.close();
      log.disk.delete(doomed.path);
    }
    log.segments.clear();
    log.disk.syncDirectory(log.directory);
    log.firstIndex = newFirstIndex;
    log.prevTerm = newPrevTerm;
    log.lastIndex = newFirstIndex - 1;
    log.lastTerm = newPrevTerm;
    log.lastKey = RecordFrame.NO_KEY;
    log.terms.clear();
    log.durableIndex = log.lastIndex;
    log.startWritingAt(0);
  }
}
