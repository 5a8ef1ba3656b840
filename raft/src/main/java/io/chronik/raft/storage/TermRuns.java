package io.chronik.raft.storage;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Term of every index in memory at the cost of one pair per term change: run i covers indexes
 * {@code start[i] .. start[i+1]-1} with term {@code term[i]}. Terms only grow along a log.
 */
final class TermRuns {
  private long[] start = new long[8];
  private long[] term = new long[8];
  private int count;

  void append(long index, long entryTerm) {
    if (count > 0 && term[count - 1] == entryTerm) {
      return;
    }
    if (count == start.length) {
      start = Arrays.copyOf(start, count * 2);
      term = Arrays.copyOf(term, count * 2);
    }
    start[count] = index;
    term[count] = entryTerm;
    count++;
  }

  /** Term at {@code index}; the caller guarantees it lies within the log. */
  long termAt(long index) {
    int lo = 0;
    int hi = count - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (start[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return term[lo];
  }

  /** Forgets indexes {@code >= fromIndex}. */
  void truncateFrom(long fromIndex) {
    while (count > 0 && start[count - 1] >= fromIndex) {
      count--;
    }
  }

  /** Becomes a copy of {@code other}'s runs. */
  void copyFrom(TermRuns other) {
    start = Arrays.copyOf(other.start, Math.max(8, other.count));
    term = Arrays.copyOf(other.term, Math.max(8, other.count));
    count = other.count;
  }

  /** Bytes {@link #writeFrom} puts for the same arguments. */
  int bytesFrom(long fromIndex, long lastIndex) {
    return 4 + 16 * (lastIndex < fromIndex ? 0 : count - runHolding(fromIndex));
  }

  /**
   * The runs a scan of entries {@code fromIndex .. lastIndex} (from the first segment's base) rebuilds, as a
   * {@link LogSummary} stores them: count, then (start, term) pairs, the first starting at {@code fromIndex}.
   * Runs below it (of segments a prefix truncation deleted, which the log keeps) are left out, the run
   * holding it cut to start there; none when there is no entry.
   */
  void writeFrom(long fromIndex, long lastIndex, ByteBuffer out) {
    int first = lastIndex < fromIndex ? count : runHolding(fromIndex);
    out.putInt(count - first);
    for (int i = first; i < count; i++) {
      out.putLong(Math.max(start[i], fromIndex)).putLong(term[i]);
    }
  }

  /**
   * Becomes the runs {@link #writeFrom} put for entries {@code fromIndex .. lastIndex}; false (this
   * unchanged) unless they could be a scan's: none for no entry, else the first starting at {@code
   * fromIndex}, starts within the entries and terms both strictly increasing.
   */
  boolean read(ByteBuffer in, long fromIndex, long lastIndex) {
    int runs = in.getInt();
    if (runs < 0 || runs > in.remaining() / 16 || (runs == 0) != (lastIndex < fromIndex)) {
      return false;
    }
    long[] starts = new long[Math.max(8, runs)];
    long[] terms = new long[Math.max(8, runs)];
    for (int i = 0; i < runs; i++) {
      starts[i] = in.getLong();
      terms[i] = in.getLong();
      boolean ordered = i == 0 ? starts[i] == fromIndex : starts[i] > starts[i - 1] && terms[i] > terms[i - 1];
      if (!ordered || starts[i] > lastIndex || terms[i] < 0) {
        return false;
      }
    }
    start = starts;
    term = terms;
    count = runs;
    return true;
  }

  /** Slot of the run holding {@code index}, which the log retains (at or after the first run's start). */
  private int runHolding(long index) {
    assert count > 0 && start[0] <= index : "index=" + index + " runs=" + count + " reason=index-before-runs";
    int slot = count - 1;
    while (slot > 0 && start[slot] > index) {
      slot--;
    }
    return slot;
  }

  void clear() {
    count = 0;
  }

  boolean isEmpty() {
    return count == 0;
  }
}
