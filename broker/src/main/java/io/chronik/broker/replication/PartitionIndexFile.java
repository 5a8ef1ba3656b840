package io.chronik.broker.replication;

import io.chronik.raft.storage.CompanionFile;
import io.chronik.raft.storage.CorruptLogException;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogSlice;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A partition's {@link PartitionReadIndex} as a clean close left it, so that the next open after a clean
 * shutdown loads it instead of reading every retained entry in full to rebuild it (Kafka's {@code .index}
 * and {@code .timeindex} serve the same purpose). It holds the entries the open would publish from storage:
 * the committed data entries up to the snapshot current at the close (those after it are applied again by
 * Raft), each as segment base index, position, length, base and next offset, term and max timestamp. The
 * rest of what that rebuild touched, the log start, compaction floor and cleaning of the control entries up
 * to the snapshot, is the snapshot's own state: their effects were applied before it was taken.
 *
 * <p>File {@value #FILE} in the log's directory ({@link CompanionFile}): version, snapshot index, snapshot
 * next offset, the log's first index, entry count, the entries oldest first.
 *
 * <p><b>Never stale.</b> (1) It is written only by the clean close, after the log's {@code closeClean} wrote
 * the log summary, and trusted only when the log opened from that summary, which the log trusts only in the
 * first open after the clean-shutdown record that same stop wrote as its last act. A crash anywhere (in the
 * close, before the record) leaves no record: the log scans and this file is ignored. (2) Every open deletes
 * it, used or not, before anything is written to the log, and the log's next sync (at the latest the one
 * starting the next clean close) makes that deletion durable before anything written after the open is:
 * no later open can meet a file older than the last open. (3) It must also match the opened log: the same
 * snapshot and first index, every entry inside a segment the log has, offsets contiguous and ending at the
 * snapshot's, and its first and last entries found at their stored regions by key lookup, their headers
 * naming the stored offsets. Anything else and the open rebuilds from storage, logging why.
 */
final class PartitionIndexFile {
  static final String FILE = "read.index";
  static final int MAGIC = 0x50494458; // "PIDX"
  private static final int VERSION = 1;
  private static final int ENTRY_BYTES = 8 + 8 + 4 + 8 + 8 + 8 + 8;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PartitionIndexFile.class);

  private PartitionIndexFile() {}

  /** What the open that found a snapshot at {@code snapshotIndex} needs from the file (see {@link #load}). */
  record Expected(long snapshotIndex, long snapshotNextOffset, long logStartOffset) {}

  /**
   * The file's body for {@code index}'s entries up to {@code snapshotNextOffset}, or null when one of them
   * lies in no segment of {@code log} (not expected: the index names only the log's segments). Call while
   * the log is open, before its clean close; write the result after it ({@link #write}).
   */
  static ByteBuffer encode(SegmentedLog segmented, PartitionReadIndex index, long snapshotIndex,
      long snapshotNextOffset) {
    Map<FileChannel, Long> bases = new IdentityHashMap<>();
    for (SegmentedLog.SegmentSpan span : segmented.segmentSpans()) {
      bases.put(CompanionFile.segmentChannel(segmented, span.baseIndex()), span.baseIndex());
    }
    PartitionReadIndex.View v = index.view();
    long[] s = v.slots();
    int count = 0;
    while (count < v.count() && s[count * PartitionReadIndex.STRIDE + PartitionReadIndex.NEXT] <= snapshotNextOffset) {
      count++;
    }
    ByteBuffer body = ByteBuffer.allocate(4 + 8 * 3 + 4 + count * ENTRY_BYTES);
    body.putInt(VERSION).putLong(snapshotIndex).putLong(snapshotNextOffset).putLong(segmented.firstIndex());
    body.putInt(count);
    for (int i = 0; i < count; i++) {
      Long base = bases.get(v.channels()[i]);
      if (base == null) {
        return null;
      }
      int at = i * PartitionReadIndex.STRIDE;
      body.putLong(base).putLong(s[at + PartitionReadIndex.POSITION]).putInt((int) s[at + PartitionReadIndex.LENGTH])
          .putLong(s[at + PartitionReadIndex.BASE]).putLong(s[at + PartitionReadIndex.NEXT])
          .putLong(s[at + PartitionReadIndex.TERM]).putLong(s[at + PartitionReadIndex.MAX_TIMESTAMP]);
    }
    return body.flip();
  }

  /**
   * A clean stop's close of {@code durable} ({@link DurableLogStorage#closeClean}), then this file for
   * {@code index}: encoded while the segments are open (their channels name the entries' segments), written
   * after the log's summary.
   */
  static void closeClean(DurableLogStorage durable, PartitionReadIndex index, long snapshotIndex,
      long snapshotNextOffset, Object partition) throws IOException {
    ByteBuffer body = encode(durable.log(), index, snapshotIndex, snapshotNextOffset);
    durable.closeClean();
    if (body != null) {
      write(durable.log(), body, partition);
    } else {
      log.info("partition={} reason=read-index-entry-outside-segments action=no-read-index-file", partition);
    }
  }

  /** Writes {@code body} unforced (it spares work only); a failure is logged, the next open rebuilds. */
  static void write(SegmentedLog segmented, ByteBuffer body, Object partition) {
    try {
      CompanionFile.writeUnforced(segmented, FILE, MAGIC, body);
    } catch (IOException e) {
      log.warn("partition={} reason=read-index-file-write-failed error={}", partition, e.toString());
    }
  }

  /** Deletes the file (every open, after {@link #load}, before anything is written). */
  static void delete(SegmentedLog segmented) {
    try {
      CompanionFile.delete(segmented, FILE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("file=" + FILE + " reason=read-index-file-delete-failed", e);
    }
  }

  /**
   * Fills the empty {@code index} from the file and returns "", or returns why not (e.g. {@code
   * index-snapshot-mismatch}) leaving {@code index} empty, for the caller to rebuild from storage.
   */
  static String load(DurableLogStorage durable, Expected expected, PartitionReadIndex index, Object partition) {
    if (!durable.log().recoveryReport().fromSummary()) {
      return "log-not-from-summary"; // a crash or a scanned log: the usual rebuild, not worth a line
    }
    String reason;
    try {
      ByteBuffer body = CompanionFile.read(durable.log(), FILE, MAGIC);
      reason = body == null ? "index-missing" : loadChecked(durable, expected, index, body);
    } catch (CorruptLogException e) {
      reason = "index-damaged";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("partition=" + partition + " reason=read-index-file-load-failed", e);
    }
    if (!reason.isEmpty()) {
      log.info("partition={} action=rebuild-read-index-from-log reason={}", partition, reason);
    }
    return reason;
  }

  private static String loadChecked(DurableLogStorage durable, Expected expected, PartitionReadIndex index,
      ByteBuffer body) throws IOException {
    SegmentedLog segmented = durable.log();
    if (body.remaining() < 4 + 8 * 3 + 4 || body.getInt() != VERSION) {
      return "index-version-mismatch";
    }
    if (body.getLong() != expected.snapshotIndex() || body.getLong() != expected.snapshotNextOffset()) {
      return "index-snapshot-mismatch";
    }
    if (body.getLong() != segmented.firstIndex()) {
      return "index-first-index-mismatch";
    }
    int count = body.getInt();
    if (count < 0 || body.remaining() != (long) count * ENTRY_BYTES) {
      return "index-size-mismatch";
    }
    String bounds = checkBounds(segmented, expected, body.duplicate(), count);
    if (!bounds.isEmpty()) {
      return bounds;
    }
    // checked against the log before anything is published: a mismatch leaves the index empty for the rebuild
    long[] first = count == 0 ? null : next(body.duplicate());
    long[] last = count == 0 ? null : next(body.duplicate().position(body.position() + (count - 1) * ENTRY_BYTES));
    if (count > 0 && (!foundAt(segmented, expected, first) || !foundAt(segmented, expected, last))) {
      return "index-entry-not-in-log";
    }
    if (!coversLogStart(segmented, expected, count > 0 ? first[3] : expected.snapshotNextOffset())) {
      return "index-starts-after-log-start";
    }
    for (int i = 0; i < count; i++) {
      long[] e = next(body);
      index.add(e[3], e[4], e[5], e[6], CompanionFile.segmentChannel(segmented, e[0]), e[1], (int) e[2]);
    }
    return "";
  }

  /**
   * No data entry the rebuild would publish is missing before the first stored one: readers may ask from the
   * snapshot's log start, and the file may lack entries a later log start trimmed from the index before the
   * close. The log's data entries are keyed by base offset: the last one below {@code firstBase} holds
   * offsets up to {@code firstBase - 1}, so without it, or below the log start, nothing readable is missing.
   */
  private static boolean coversLogStart(SegmentedLog segmented, Expected expected, long firstBase)
      throws IOException {
    return firstBase <= expected.logStartOffset() || segmented.floorIndexForKey(firstBase - 1) < segmented.firstIndex();
  }

  /** One stored entry: segment base, position, length, base offset, next offset, term, max timestamp. */
  private static long[] next(ByteBuffer body) {
    return new long[] {body.getLong(), body.getLong(), body.getInt(), body.getLong(), body.getLong(),
        body.getLong(), body.getLong()};
  }

  /**
   * Every entry inside a segment of the log, segments and terms in order, offsets contiguous up to the
   * snapshot's.
   */
  private static String checkBounds(SegmentedLog segmented, Expected expected, ByteBuffer body, int count) {
    Map<Long, Long> ends = new HashMap<>();
    for (SegmentedLog.SegmentSpan span : segmented.segmentSpans()) {
      ends.put(span.baseIndex(), span.bytes());
    }
    long prevNext = -1;
    long prevSegment = Long.MIN_VALUE;
    long prevTerm = Long.MIN_VALUE;
    for (int i = 0; i < count; i++) {
      long[] e = next(body);
      Long end = ends.get(e[0]);
      if (end == null || e[1] < 0 || e[2] <= 0 || e[1] + e[2] > end) {
        return "index-segment-mismatch";
      }
      if (e[0] < prevSegment || e[5] < prevTerm || e[4] <= e[3] || (i > 0 && e[3] != prevNext)) {
        return "index-order-mismatch";
      }
      prevSegment = e[0];
      prevTerm = e[5];
      prevNext = e[4];
    }
    if (count > 0 && prevNext != expected.snapshotNextOffset()) {
      return "index-end-mismatch";
    }
    return "";
  }

  /**
   * The log's entry keyed by the stored base offset lies within the snapshot, at the stored region of the
   * stored segment, and its batch headers name the stored offsets and timestamp.
   */
  private static boolean foundAt(SegmentedLog segmented, Expected expected, long[] e) throws IOException {
    long at = segmented.floorIndexForKey(e[3]);
    if (at < segmented.firstIndex() || at > expected.snapshotIndex()) {
      return false;
    }
    LogSlice slice = segmented.slice(at, 1);
    if (slice.channel() != CompanionFile.segmentChannel(segmented, e[0]) || slice.position(0) != e[1]
        || slice.length(0) != e[2]) {
      return false;
    }
    ByteBuffer payload = ByteBuffer.allocate((int) e[2]);
    while (payload.hasRemaining()) {
      if (slice.channel().read(payload, e[1] + payload.position()) < 0) {
        return false;
      }
    }
    payload.flip();
    return BatchHeaders.baseOffset(payload) == e[3] && BatchHeaders.nextOffset(payload) == e[4]
        && BatchHeaders.maxTimestamp(payload) == e[6];
  }
}
