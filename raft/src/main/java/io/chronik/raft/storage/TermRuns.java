package io.chronik.raft.storage;

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

  void clear() {
    count = 0;
  }

  boolean isEmpty() {
    return count == 0;
  }
}
