package io.chronik.verifier.linearizability;

import java.util.Arrays;

/**
 * The memo of visited (linearized set, state) pairs: reaching the same pair again cannot lead anywhere
 * new, so the search skips it.
 *
 * <p>Layout is chosen for the search's access pattern (millions of probes, most of them hits or
 * near misses): an open-addressing index of {@code [hash, entry]} long pairs, so a probe reads one
 * cache line and compares 64-bit hashes; entries keep their bitsets flat in paged {@code long[]}
 * arenas (no object per entry, no pointer to chase) and states in a parallel array. The caller
 * supplies the 64-bit hash of the pair, so nothing is allocated on lookup.
 *
 * <p>Sets are stored as a window, {@code (firstWord, words[firstWord .. lastWord))}: every word
 * before {@code firstWord} is all ones and every word from {@code lastWord} on is zero, which the
 * search keeps canonical. In a long history the window is the few words around the current
 * frontier, so memory per entry stays small instead of growing with the history (O(n²) otherwise).
 */
final class StateCache {
  private static final int PAGE_LONGS = 1 << 20;

  private long[] index;
  private int mask;
  private long[][] pages = new long[4][];
  private int page = -1;
  private int pageUsed;
  private int pageLongs; // current page's length: pages start small and double up to PAGE_LONGS
  // per entry, adjacent so a hit reads one cache line: [page << 32 | offset, firstWord << 32 | length]
  private long[] meta = new long[2048];
  private Object[] states = new Object[1024];
  private int size;

  StateCache(int expectedEntries) {
    int slots = Integer.highestOneBit(Math.max(64, Math.min(expectedEntries, 1 << 16)) * 2);
    index = new long[slots * 2];
    mask = slots - 1;
  }

  /** Inserts the pair (set given as its canonical window); false if it was already present. */
  boolean add(long hash, long[] set, int firstWord, int lastWord, Object state) {
    int len = Math.max(0, lastWord - firstWord);
    int i = slot(hash);
    long entryPlusOne;
    while ((entryPlusOne = index[2 * i + 1]) != 0) {
      if (index[2 * i] == hash && matches((int) (entryPlusOne - 1), set, firstWord, len, state)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    store(set, firstWord, len, state);
    index[2 * i] = hash;
    index[2 * i + 1] = size;
    if (size * 2 > mask + 1) {
      grow();
    }
    return true;
  }

  int size() {
    return size;
  }

  private boolean matches(int entry, long[] set, int firstWord, int len, Object state) {
    if (meta[2 * entry + 1] != ((long) firstWord << 32 | len)) {
      return false;
    }
    long loc = meta[2 * entry];
    int offset = (int) loc;
    if (Arrays.mismatch(pages[(int) (loc >>> 32)], offset, offset + len, set, firstWord, firstWord + len) >= 0) {
      return false;
    }
    return states[entry].equals(state);
  }

  private void store(long[] set, int firstWord, int len, Object state) {
    if (page < 0 || pageUsed + len > pageLongs) {
      page++;
      if (page == pages.length) {
        pages = Arrays.copyOf(pages, page * 2);
      }
      pageLongs = Math.max(Math.min(PAGE_LONGS, Math.max(1024, pageLongs * 2)), len);
      pages[page] = new long[pageLongs];
      pageUsed = 0;
    }
    System.arraycopy(set, firstWord, pages[page], pageUsed, len);
    if (size == states.length) {
      int capacity = size * 2;
      meta = Arrays.copyOf(meta, capacity * 2);
      states = Arrays.copyOf(states, capacity);
    }
    meta[2 * size] = ((long) page << 32) | pageUsed;
    meta[2 * size + 1] = (long) firstWord << 32 | len;
    states[size] = state;
    size++;
    pageUsed += len;
  }

  private int slot(long hash) {
    long h = hash * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32 ^ h) & mask;
  }

  private void grow() {
    long[] old = index;
    int slots = (mask + 1) * 2;
    index = new long[slots * 2];
    mask = slots - 1;
    for (int j = 0; j < old.length; j += 2) {
      if (old[j + 1] != 0) {
        int i = slot(old[j]);
        while (index[2 * i + 1] != 0) {
          i = (i + 1) & mask;
        }
        index[2 * i] = old[j];
        index[2 * i + 1] = old[j + 1];
      }
    }
  }
}
