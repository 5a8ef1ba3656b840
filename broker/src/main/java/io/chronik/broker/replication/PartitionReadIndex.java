package io.chronik.broker.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import io.chronik.broker.protocol.FileSlice;
import io.chronik.broker.protocol.RegionRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The committed part of one partition's log, as Kafka readers see it: per committed data entry its
 * offset range, leader epoch (Raft term), max timestamp and where its payload lies in a segment file.
 * One writer (the Raft driver thread, at apply time) and any number of readers (fetch, list offsets)
 * without locks: the writer fills a slot, then publishes it by publishing a new view;
 * readers read one {@link View} (arrays and count) at a time. Committed entries are never truncated, so
 * a published slot's file region never changes, except that key compaction publishes a new view on
 * copied arrays pointing at a rewritten segment ({@link #relocate}). Retention trims the front ({@link #trimBelow}) by
 * publishing a new view on copied arrays, before the segments under it are deleted; a reader still
 * holding the old view may then find the file closed and fail that one read.
 *
 * <p>High watermark = the offset after the last committed record: readers see committed data only.
 */
public final class PartitionReadIndex {
  static final int STRIDE = 6;
  static final int BASE = 0;
  static final int NEXT = 1;
  static final int POSITION = 2;
  static final int LENGTH = 3;
  static final int TERM = 4;
  static final int MAX_TIMESTAMP = 5;

  /** Published state: slots {@code [0, count)} never change once a view holding them is published. */
  record View(long[] slots, FileChannel[] channels, int count) {}

  private volatile View view = new View(new long[STRIDE * 64], new FileChannel[64], 0);
  private volatile long highWatermark;

  /** Publishes one committed entry (writer thread only; offsets contiguous with the previous one). */
  void add(long baseOffset, long nextOffset, long term, long maxTimestamp, FileChannel channel, long position,
      int length) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    FileChannel[] c = v.channels();
    if (n == c.length) {
      s = Arrays.copyOf(s, s.length * 2);
      c = Arrays.copyOf(c, c.length * 2);
    }
    int at = n * STRIDE;
    s[at + BASE] = baseOffset;
    s[at + NEXT] = nextOffset;
    s[at + POSITION] = position;
    s[at + LENGTH] = length;
    s[at + TERM] = term;
    s[at + MAX_TIMESTAMP] = maxTimestamp;
    c[n] = channel;
    // the view first: a reader that sees the new high watermark must find the entry holding every offset below it
    view = new View(s, c, n + 1);
    highWatermark = nextOffset;
  }

  /**
   * Raises the high watermark to {@code nextOffset} without an entry: a replica opening from a snapshot
   * whose stored entries hold no record at or above its log start (DeleteRecords removed every record,
   * retention the segments below) has nothing to publish, yet its committed records end there. Writer thread.
   */
  void raiseHighWatermark(long nextOffset) {
    if (nextOffset > highWatermark) {
      highWatermark = nextOffset;
    }
  }

  /**
   * Drops the entries whose records all lie below {@code offset} (the log start): they are never
   * served again, and their segments may be deleted once this returns. Writer thread only.
   */
  void trimBelow(long offset) {
    View v = view;
    int drop = 0;
    while (drop < v.count() && v.slots()[drop * STRIDE + NEXT] <= offset) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    int keep = v.count() - drop;
    int capacity = Math.max(64, Integer.highestOneBit(Math.max(1, keep)) * 2);
    long[] s = new long[capacity * STRIDE];
    FileChannel[] c = new FileChannel[capacity];
    System.arraycopy(v.slots(), drop * STRIDE, s, 0, keep * STRIDE);
    System.arraycopy(v.channels(), drop, c, 0, keep);
    view = new View(s, c, keep);
  }

  /**
   * Drops every entry (writer thread), before the log under them is replaced by a leader's snapshot
   * image; the high watermark stays until the image's committed entries are published again.
   */
  void clear() {
    view = new View(new long[STRIDE * 64], new FileChannel[64], 0);
  }

  /**
   * Points the entries starting at the given base offsets at new regions of {@code channel} (key compaction
   * rewrote their segment; offsets stay). Each move is {base offset, position, length, max timestamp or Long.MIN_VALUE to keep it};
   * offsets no longer held (trimmed) are skipped. Publishes a new view on copied arrays, so a reader holding
   * the old one keeps reading the old file, which stays open a while ({@link KeyCompaction}). Writer thread.
   */
  void relocate(List<long[]> moves, FileChannel channel) {
    View v = view;
    long[] s = Arrays.copyOf(v.slots(), v.slots().length);
    FileChannel[] c = Arrays.copyOf(v.channels(), v.channels().length);
    for (long[] move : moves) {
      int slot = slotOf(s, v.count(), move[0]);
      if (slot >= 0 && s[slot * STRIDE + BASE] == move[0]) {
        s[slot * STRIDE + POSITION] = move[1];
        s[slot * STRIDE + LENGTH] = move[2];
        if (move[3] != Long.MIN_VALUE) { // Long.MIN_VALUE: the payload did not change, nor its timestamp
          s[slot * STRIDE + MAX_TIMESTAMP] = move[3];
        }
        c[slot] = channel;
      }
    }
    view = new View(s, c, v.count());
  }

  /** Bytes of the committed entries whose base offset lies in {@code [fromOffset, toOffset)}. */
  long bytesBetween(long fromOffset, long toOffset) {
    View v = view;
    long[] s = v.slots();
    long total = 0;
    for (int i = 0; i < v.count(); i++) {
      long base = s[i * STRIDE + BASE];
      if (base >= toOffset) {
        break;
      }
      if (base >= fromOffset) {
        total += s[i * STRIDE + LENGTH];
      }
    }
    return total;
  }

  /** The published view (its slots never change): {@link PartitionIndexFile} stores it at a clean close. */
  View view() {
    return view;
  }

  /** Committed entries held (after trimming). */
  int entryCount() {
    return view.count();
  }

  /**
   * Largest batch max timestamp over the entries with offsets in {@code [fromOffset, toOffset)}, or
   * Long.MIN_VALUE when none (retention.ms decides on whole segments by it).
   */
  long maxTimestamp(long fromOffset, long toOffset) {
    View v = view;
    long[] s = v.slots();
    long best = Long.MIN_VALUE;
    for (int i = 0; i < v.count(); i++) {
      if (s[i * STRIDE + BASE] >= toOffset) {
        break;
      }
      if (s[i * STRIDE + NEXT] > fromOffset) {
        best = Math.max(best, s[i * STRIDE + MAX_TIMESTAMP]);
      }
    }
    return best;
  }

  public long highWatermark() {
    return highWatermark;
  }

  /** Slot holding {@code offset}, or -1 when the offset is at or beyond the high watermark. */
  private static int slotOf(long[] s, int n, long offset) {
    int lo = 0;
    int hi = n - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (s[mid * STRIDE + NEXT] <= offset) {
        lo = mid + 1;
      } else if (s[mid * STRIDE + BASE] > offset) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * Whole committed batches from the one holding {@code offset}, at most {@code bytesMax} bytes, except
   * that the first entry is returned whole when {@code firstAlways} (KIP-74). Empty at the high watermark.
   */
  public MemoryRecords read(long offset, int bytesMax, boolean firstAlways) throws IOException {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    FileChannel[] c = v.channels();
    int first = slotOf(s, n, offset);
    if (first < 0) {
      return MemoryRecords.EMPTY;
    }
    long total = 0;
    int last = first;
    for (int i = first; i < n; i++) {
      long length = s[i * STRIDE + LENGTH];
      if (total + length > bytesMax && !(i == first && firstAlways)) {
        break;
      }
      total += length;
      last = i + 1;
    }
    if (total == 0) {
      return MemoryRecords.EMPTY;
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) total);
    for (int i = first; i < last; i++) {
      long position = s[i * STRIDE + POSITION];
      int length = (int) s[i * STRIDE + LENGTH];
      ByteBuffer window = buffer.slice(buffer.position(), length);
      while (window.hasRemaining()) {
        if (c[i].read(window, position + window.position()) < 0) {
          throw new IOException("offset=" + offset + " position=" + position + " reason=segment-ended-early");
        }
      }
      buffer.position(buffer.position() + length);
    }
    buffer.flip();
    return MemoryRecords.readableRecords(buffer);
  }

  /**
   * As {@link #read} but without copying: the entries' file regions, sent with sendfile. Committed
   * regions never change, and the segment channels stay open while the partition is open.
   */
  public RegionRecords readRegions(long offset, int bytesMax, boolean firstAlways) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    FileChannel[] c = v.channels();
    int first = slotOf(s, n, offset);
    List<FileSlice> slices = new ArrayList<>();
    long total = 0;
    for (int i = Math.max(first, 0); first >= 0 && i < n; i++) {
      long length = s[i * STRIDE + LENGTH];
      if (total + length > bytesMax && !(i == first && firstAlways)) {
        break;
      }
      total += length;
      slices.add(new FileSlice(c[i], s[i * STRIDE + POSITION], (int) length));
    }
    return new RegionRecords(slices);
  }

  /**
   * Offset after the whole batches, from the one holding {@code offset}, whose sizes add up to
   * {@code bytes} (what {@link #readRegions} returned), or {@code offset} if there are none: how far a
   * fetch read, without looking into the batches (fetch counts records this way).
   */
  public long offsetAfterBytes(long offset, long bytes) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    int first = slotOf(s, n, offset);
    long total = 0;
    long next = offset;
    for (int i = Math.max(first, 0); first >= 0 && i < n && total < bytes; i++) {
      total += s[i * STRIDE + LENGTH];
      next = s[i * STRIDE + NEXT];
    }
    return next;
  }

  /** Committed bytes from the entry holding {@code offset} to the high watermark. */
  public long bytesAfter(long offset) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    int first = slotOf(s, n, offset);
    long total = 0;
    for (int i = Math.max(first, 0); first >= 0 && i < n; i++) {
      total += s[i * STRIDE + LENGTH];
    }
    return total;
  }

  /**
   * Kafka's OffsetForLeaderEpoch over the committed log: the largest epoch {@code <= epoch} and the
   * offset where the next larger epoch starts (or the high watermark); {-1, -1} when no entry has an
   * epoch {@code <= epoch}.
   */
  public long[] epochEnd(int epoch) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    long found = -1;
    for (int i = 0; i < n; i++) {
      long term = s[i * STRIDE + TERM];
      if (term > epoch) {
        return found < 0 ? new long[] {-1, -1} : new long[] {found, s[i * STRIDE + BASE]};
      }
      found = term;
    }
    return found < 0 ? new long[] {-1, -1} : new long[] {found, highWatermark};
  }

  /** Base offset of the first committed entry whose max timestamp is at least {@code timestampMs}, or -1. */
  public long entryOffsetForTimestamp(long timestampMs) {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    for (int i = 0; i < n; i++) {
      if (s[i * STRIDE + MAX_TIMESTAMP] >= timestampMs) {
        return s[i * STRIDE + BASE];
      }
    }
    return -1;
  }

  /** Base offset of the committed entry with the largest timestamp, or -1 when empty. */
  public long entryOffsetOfMaxTimestamp() {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    long best = -1;
    long bestTs = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      if (s[i * STRIDE + MAX_TIMESTAMP] > bestTs) {
        bestTs = s[i * STRIDE + MAX_TIMESTAMP];
        best = s[i * STRIDE + BASE];
      }
    }
    return best;
  }

  public long sizeBytes() {
    View v = view;
    int n = v.count();
    long[] s = v.slots();
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += s[i * STRIDE + LENGTH];
    }
    return total;
  }
}
