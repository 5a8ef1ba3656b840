package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the recovery scan of a {@link SegmentedLog} rebuilds, stored by a clean close ({@link
 * SegmentedLog#closeClean}) so that the next open after a clean shutdown reads one small file instead of every
 * frame of every segment (Kafka trusts its index files after a clean shutdown the same way). At a restart
 * with 17 GB per node the scan took most of a minute; the summary is a few bytes per sample.
 *
 * <p>File {@value #FILE}, a {@link ChecksummedFile} written to a temp file and renamed over the name, but
 * neither forced nor its directory synced ({@link ChecksummedFile#writeUnforced}): it spares work only, so a
 * power cut that loses or tears it (its CRC fails) costs a scan, never a wrong state, while two fsyncs per
 * log would lengthen every clean stop of a node with thousands of logs. Everything it describes was forced
 * before it was written, and the clean-shutdown record that makes it trusted is forced after it. Body: version, the segment size and index interval it was written with, the log's first index
 * and the term before it ({@code log.meta}), its last index, last term and last key; per segment, oldest
 * first: base index, last index, end, file size, offset of the last frame, and the sparse samples ({@link
 * Segment#writeSamples}); then the term runs from the first segment's base on ({@link TermRuns#writeFrom}).
 * The active segment is summarised like the others: the clean close forced it whole, and one path for every
 * segment is simpler than scanning the last one.
 *
 * <p><b>When it is used</b> ({@link #load}): only by an open whose {@link LogConfig#cleanShutdown()} says the
 * last writer forced everything and recorded so ({@link CleanShutdown}), when recovery's own first steps
 * changed nothing (no temp file or prefix-truncation leftover deleted), and when it matches the directory:
 * the same segment set; the same config (index interval equal, so the samples are the ones a scan would
 * take, and segment size not smaller, so no frame exceeds what a scan accepts); the log's first index and
 * term before it as {@code log.meta} has them; per segment its file size exactly as at the close (a
 * preallocated file is larger than its end: size and end are both stored), the frame header at the stored
 * offset of the last frame naming the last index, its term and a length ending exactly at the end, and the
 * first frame header's worth of bytes after the end zero (where an append after the close would have
 * written). The rest of a zero-filled tail is not read, nor is any frame's CRC: reads verify every CRC
 * ({@link SegmentLookup}), so a frame damaged while a cleanly stopped node was down is found when it is
 * read rather than at open, the trade Kafka makes (docs/STORAGE.md). Anything else (missing, damaged,
 * unreadable, inconsistent) and the open scans as before, logging {@code reason=summary-...}.
 *
 * <p><b>Never stale.</b> A summary describes the log at the clean close that wrote it; it is trusted only in
 * the first open after a record that the same stop wrote. (1) The record is taken, its deletion durable,
 * before any log opens, and written (forced) only as the last act of a stop in which every listed log was
 * closed by {@link SegmentedLog#closeClean} after its last write ({@link CleanShutdown#record}): that close
 * forced everything, then replaced the summary by one rename. So a crash at any point of a process's life,
 * including inside the close, leaves no record, and the open after it scans; and a power cut after the
 * record leaves this summary whole, or torn or missing (a scan), or the name as it was before the rename,
 * which by (2) is no summary. (2) Every open deletes the summary before it returns, whether it used it or
 * not, so nothing written after an open can sit beside a summary from before it: an untrusted open makes
 * the deletion durable with the directory sync it already pays, and a trusted open (which pays no fsync)
 * marks its directory unsynced, so the log's next sync, at the latest the one that starts its clean close,
 * makes the deletion durable before anything written after the open is. A writer that broke (1), syncing a
 * log and listing it without a clean close, still cannot bring back a stale summary through a power cut.
 * (3) The file checks above are the last guard (a copied directory, a tool that ignored the record).
 */
final class LogSummary {
  static final String FILE = "log.summary";
  private static final int MAGIC = 0x4c53554d; // "LSUM"
  private static final int VERSION = 1;
  private static final System.Logger LOG = System.getLogger(LogSummary.class.getName());

  private LogSummary() {}

  /** Writes the summary of {@code log}, whose every entry is flushed and forced (see {@link SegmentedLog#closeClean}). */
  static void write(SegmentedLog log) throws IOException {
    dropSegmentsBelowFirstIndex(log);
    List<Segment> segments = log.segments;
    long from = segments.isEmpty() ? log.firstIndex : segments.get(0).baseIndex;
    long last = segments.isEmpty() ? from - 1 : log.active().lastIndex;
    int bytes = 4 + 4 + 4 + 5 * 8 + 4 + log.terms.bytesFrom(from, last);
    for (Segment s : segments) {
      bytes += 8 + 8 + 4 + 8 + 4 + s.sampleBytes();
    }
    ByteBuffer body = ByteBuffer.allocate(bytes);
    body.putInt(VERSION).putInt(log.config.segmentBytes()).putInt(log.config.indexIntervalBytes());
    body.putLong(log.firstIndex).putLong(log.prevTerm).putLong(log.lastIndex).putLong(log.lastTerm)
        .putLong(scannedLastKey(log));
    body.putInt(segments.size());
    for (Segment s : segments) {
      int lastFrame = s.isEmpty() ? -1 : (int) log.lookup.positionOf(s, s.lastIndex);
      body.putLong(s.baseIndex).putLong(s.lastIndex).putInt(s.end).putLong(s.channel.size()).putInt(lastFrame);
      s.writeSamples(body);
    }
    log.terms.writeFrom(from, last, body);
    assert !body.hasRemaining() : "remaining=" + body.remaining() + " reason=summary-size-miscounted";
    // not forced (see the class comment): at 4,096 logs two fsyncs each would lengthen every clean stop
    ChecksummedFile.writeUnforced(log.disk, log.directory.resolve(FILE), MAGIC, body.flip());
  }

  /**
   * Deletes the segments wholly below the first index that a prefix truncation to the end of the log keeps
   * (the next entry rolls to a segment starting at the first index): the next open's recovery would delete
   * them as leftovers of an interrupted truncation, and a change there voids the summary. Not synced: a
   * deletion a power cut undoes brings back a segment the summary does not list, so the open scans.
   */
  private static void dropSegmentsBelowFirstIndex(SegmentedLog log) throws IOException {
    while (log.segments.size() > 1 && log.segments.get(1).baseIndex <= log.firstIndex) {
      Segment doomed = log.segments.remove(0);
      doomed.channel.close();
      log.disk.delete(doomed.path);
    }
  }

  /**
   * The last key a scan would find: the key of the last keyed frame. The log's own {@code lastKey} may
   * differ (a suffix truncation forgets it; a prefix truncation may delete the segment that held it), so it
   * is read from the file: the last keyed frame of the last segment with a key lies within one index
   * interval of that segment's last key sample (a keyed frame further on would have been sampled).
   */
  private static long scannedLastKey(SegmentedLog log) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
    for (int slot = log.segments.size() - 1; slot >= 0; slot--) {
      Segment s = log.segments.get(slot);
      int sampled = s.lastKeySamplePosition();
      if (sampled < 0) {
        continue;
      }
      long key = RecordFrame.NO_KEY;
      for (long at = sampled; at < s.end && at - sampled < log.config.indexIntervalBytes(); ) {
        Segment.readFully(s.channel, header.clear(), at);
        long frameKey = header.getLong(RecordFrame.KEY_OFFSET);
        key = frameKey == RecordFrame.NO_KEY ? key : frameKey;
        at += RecordFrame.HEADER_BYTES + header.getInt(RecordFrame.LENGTH_OFFSET);
      }
      assert key != RecordFrame.NO_KEY : "segment=" + s.name() + " at=" + sampled + " reason=key-sample-unkeyed";
      return key;
    }
    return RecordFrame.NO_KEY;
  }

  /** Deletes the summary if there is one; true if it did (the caller makes the deletion durable). */
  static boolean delete(Disk disk, Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    if (!disk.exists(file)) {
      return false;
    }
    disk.delete(file);
    return true;
  }

  /**
   * Takes {@code log}'s segments and scan state from the summary ({@code bases}: the segment files found,
   * oldest first, after recovery's first steps, which changed files if {@code recoveryChanged}) and returns
   * "", or returns why not (e.g. {@code summary-size-mismatch}) leaving {@code log} as it was, to be
   * scanned. Logs what a trusted open did; never deletes the file.
   */
  static String load(SegmentedLog log, List<Long> bases, boolean recoveryChanged) throws IOException {
    if (!log.config.cleanShutdown()) {
      return "not-clean-shutdown"; // after a crash: the usual scan, not worth a line per log
    }
    String reason;
    try {
      // the summary only stands for what its clean close left: a file recovery had to delete voids it
      require(!recoveryChanged, "recovery-changed-files");
      ByteBuffer body = ChecksummedFile.read(log.disk, log.directory.resolve(FILE), MAGIC);
      if (body == null) {
        throw new Mismatch("summary-missing");
      }
      Stored stored = decode(log, bases, body);
      install(log, stored, openChecked(log, stored));
      reason = "";
    } catch (CorruptLogException damaged) {
      reason = "summary-damaged";
    } catch (Mismatch mismatch) {
      reason = mismatch.reason;
    }
    String message = reason.isEmpty()
        ? "dir=" + log.directory + " action=summary-loaded segments=" + bases.size() + " lastIndex=" + log.lastIndex
        : "dir=" + log.directory + " action=scan-every-segment reason=" + reason;
    LOG.log(reason.isEmpty() ? System.Logger.Level.DEBUG : System.Logger.Level.INFO, message);
    return reason;
  }

  /** Why a summary is not used; thrown only between the decoding steps, never out of this class. */
  private static final class Mismatch extends Exception {
    final String reason;

    Mismatch(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }
  }

  private static void require(boolean holds, String reason) throws Mismatch {
    if (!holds) {
      throw new Mismatch(reason);
    }
  }

  /**
   * What a summary says, decoded and checked against itself, the config and the directory listing; its
   * segments carry no channel yet. {@code lastIndex .. lastKey} are what a scan would leave (before {@link
   * LogRecovery} finishes the open).
   */
  private record Stored(List<Segment> segments, long[] sizes, int[] lastFrames, TermRuns terms, long lastIndex,
      long lastTerm, long lastKey) {}

  private static Stored decode(SegmentedLog log, List<Long> bases, ByteBuffer body) throws Mismatch {
    try {
      require(body.getInt() == VERSION, "summary-version-unknown");
      int segmentBytes = body.getInt();
      int intervalBytes = body.getInt();
      require(segmentBytes <= log.config.segmentBytes() && intervalBytes == log.config.indexIntervalBytes(),
          "summary-config-changed");
      require(body.getLong() == log.firstIndex && body.getLong() == log.prevTerm, "summary-meta-mismatch");
      long closedLastIndex = body.getLong();
      long closedLastTerm = body.getLong();
      long lastKey = body.getLong();
      int count = body.getInt();
      require(count == bases.size(), "summary-segment-set-mismatch");
      List<Segment> segments = new ArrayList<>(count);
      long[] sizes = new long[count];
      int[] lastFrames = new int[count];
      boolean keyed = false;
      for (int slot = 0; slot < count; slot++) {
        long base = body.getLong();
        require(base == bases.get(slot), "summary-segment-set-mismatch");
        Segment s = new Segment(log.directory.resolve(Segment.fileName(base)), base, null);
        s.lastIndex = body.getLong();
        s.end = body.getInt();
        sizes[slot] = body.getLong();
        lastFrames[slot] = body.getInt();
        require(shaped(log, slot == 0 ? null : segments.get(slot - 1), s, sizes[slot], lastFrames[slot])
            && s.readSamples(body), "summary-inconsistent");
        keyed |= s.lastKeySamplePosition() >= 0;
        segments.add(s);
      }
      long from = count == 0 ? log.firstIndex : bases.get(0);
      long last = count == 0 ? from - 1 : segments.get(count - 1).lastIndex;
      TermRuns terms = new TermRuns();
      require(terms.read(body, from, last) && !body.hasRemaining() && keyed == (lastKey != RecordFrame.NO_KEY),
          "summary-inconsistent");
      long lastTerm = last < from ? 0 : terms.termAt(last);
      // what LogRecovery.finish makes of a scan that found this must be what the closing log held
      boolean nothingRetained = count == 0 || last < log.firstIndex - 1;
      long finishedIndex = nothingRetained ? log.firstIndex - 1 : last;
      long finishedTerm = finishedIndex == log.firstIndex - 1 ? log.prevTerm : lastTerm;
      require(closedLastIndex == finishedIndex && closedLastTerm == finishedTerm, "summary-inconsistent");
      return new Stored(segments, sizes, lastFrames, terms, last, lastTerm, lastKey);
    } catch (BufferUnderflowException unreadable) {
      throw new Mismatch("summary-unreadable");
    }
  }

  /**
   * Whether segment {@code s} fits after {@code previous} (null for the first) as a scan that finds no damage
   * would accept it: the first one holds the log's first index, each later one starts right after the one
   * before, and its end, size and last frame agree with its entries (only an empty segment has none).
   */
  private static boolean shaped(SegmentedLog log, Segment previous, Segment s, long size, int lastFrame) {
    boolean placed = previous == null ? s.baseIndex >= 1 && s.baseIndex <= log.firstIndex
        : s.baseIndex == previous.lastIndex + 1;
    long entries = s.lastIndex - s.baseIndex + 1;
    boolean extent = entries >= 0 && s.end >= entries * RecordFrame.HEADER_BYTES && size >= s.end;
    boolean last = entries == 0 ? lastFrame == -1
        : lastFrame >= 0 && lastFrame <= s.end - RecordFrame.HEADER_BYTES;
    return placed && extent && last;
  }

  /**
   * Opens every segment of {@code stored} and checks its file against it (see the class comment); the
   * channels, in segment order, or a {@link Mismatch} with every channel closed.
   */
  private static List<FileChannel> openChecked(SegmentedLog log, Stored stored) throws IOException, Mismatch {
    List<FileChannel> channels = new ArrayList<>(stored.segments().size());
    boolean checked = false;
    try {
      ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
      for (int slot = 0; slot < stored.segments().size(); slot++) {
        Segment s = stored.segments().get(slot);
        FileChannel channel = log.disk.open(s.path, false);
        channels.add(channel);
        require(channel.size() == stored.sizes()[slot], "summary-size-mismatch");
        int lastFrame = stored.lastFrames()[slot];
        if (lastFrame >= 0) {
          Segment.readFully(channel, header.clear(), lastFrame);
          require(header.getLong(RecordFrame.INDEX_OFFSET) == s.lastIndex
              && header.getLong(RecordFrame.TERM_OFFSET) == stored.terms().termAt(s.lastIndex)
              && header.getInt(RecordFrame.LENGTH_OFFSET) == s.end - lastFrame - RecordFrame.HEADER_BYTES,
              "summary-last-frame-mismatch");
        }
        int tail = (int) Math.min(channel.size() - s.end, RecordFrame.HEADER_BYTES);
        Segment.readFully(channel, header.clear().limit(tail), s.end);
        for (int i = 0; i < tail; i++) {
          require(header.get(i) == 0, "summary-tail-not-zero");
        }
      }
      checked = true;
      return channels;
    } finally {
      if (!checked) {
        for (FileChannel channel : channels) {
          channel.close();
        }
      }
    }
  }

  /** Makes {@code log} what a scan of the checked files would have made it. */
  private static void install(SegmentedLog log, Stored stored, List<FileChannel> channels) {
    assert log.segments.isEmpty() && log.terms.isEmpty() : "dir=" + log.directory + " reason=log-not-fresh";
    for (int slot = 0; slot < channels.size(); slot++) {
      Segment summarised = stored.segments().get(slot);
      Segment s = new Segment(summarised.path, summarised.baseIndex, channels.get(slot));
      s.end = summarised.end;
      s.lastIndex = summarised.lastIndex;
      s.adoptSamples(summarised);
      log.segments.add(s);
    }
    if (!channels.isEmpty()) {
      log.lastIndex = stored.lastIndex();
      log.lastTerm = stored.lastTerm();
      log.terms.copyFrom(stored.terms());
    }
    log.lastKey = stored.lastKey();
  }
}
