package io.chronik.verifier.linearizability;

import java.util.Arrays;

/**
 * The memo of visited (linearized set, state) pairs: reaching the same pair again cannot lead anywhere
 * new, so the search skips it.
 *
 * <p>Layout is chosen for the search's access pattern (millions of probes, most of them hits or
 * near misses): an open-addressing index of {@code [hash, entry]} long pairs, so a probe reads one
 * cache line and compares 64-bit hashes; entries store bitsets flat in paged {@code long[]}s (no object
 * per entry, no pointer to chase) and states in paged {@code Object[]}s. The caller supplies the
 * 64-bit hash of the pair (Zobrist hash of the set mixed with the state's hash), so nothing is
 * allocated on lookup.
 */
final class StateCache {
  private static final int PAGE_BITS = 14;
  private static final int PAGE_ENTRIES = 1 << PAGE_BITS;

  private final int words;
  private long[] index;
  private int mask;
  private long[][] setPages = new long[4][];
  private Object[][] statePages = new Object[4][];
  private int size;

  /** @param words bitset length in longs */
  StateCache(int words, int expectedEntries) {
    this.words = words;
    int slots = Integer.highestOneBit(Math.max(64, expectedEntries) * 2);
    index = new long[slots * 2];
    mask = slots - 1;
  }

  /** Inserts the pair; false if it was already present. */
  boolean add(long hash, long[] set, Object state) {
    int i = slot(hash);
    long entryPlusOne;
    while ((entryPlusOne = index[2 * i + 1]) != 0) {
      if (index[2 * i] == hash && matches((int) (entryPlusOne - 1), set, state)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    int entry = size++;
    store(entry, set, state);
    index[2 * i] = hash;
    index[2 * i + 1] = entry + 1L;
    if (size * 2 > mask + 1) {
      grow();
    }
    return true;
  }

  int size() {
    return size;
  }

  private boolean matches(int entry, long[] set, Object state) {
    long[] page = setPages[entry >>> PAGE_BITS];
    int base = (entry & (PAGE_ENTRIES - 1)) * words;
    if (Arrays.mismatch(page, base, base + words, set, 0, words) >= 0) {
      return false;
    }
    return statePages[entry >>> PAGE_BITS][entry & (PAGE_ENTRIES - 1)].equals(state);
  }

  private void store(int entry, long[] set, Object state) {
    int page = entry >>> PAGE_BITS;
    if (page == setPages.length) {
      setPages = Arrays.copyOf(setPages, page * 2);
      statePages = Arrays.copyOf(statePages, page * 2);
    }
    if (setPages[page] == null) {
      setPages[page] = new long[PAGE_ENTRIES * words];
      statePages[page] = new Object[PAGE_ENTRIES];
    }
    System.arraycopy(set, 0, setPages[page], (entry & (PAGE_ENTRIES - 1)) * words, words);
    statePages[page][entry & (PAGE_ENTRIES - 1)] = state;
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
