package io.chronik.verifier.linearizability;

import java.util.Arrays;

/**
 * The memo of visited (linearized set, state) pairs: reaching the same pair again cannot lead anywhere
 * new, so the search skips it. Open addressing with linear probing over parallel arrays; the caller
 * supplies a 64-bit hash of the pair (Zobrist hash of the set mixed with the state's hash) so no
 * key object is allocated for lookups, and a bitset is copied only when a new pair is inserted.
 */
final class StateCache {
  private long[] hashes;
  private long[][] sets;
  private Object[] states;
  private int size;
  private int mask;

  StateCache(int capacityPowerOfTwo) {
    int capacity = Integer.highestOneBit(Math.max(16, capacityPowerOfTwo));
    hashes = new long[capacity];
    sets = new long[capacity][];
    states = new Object[capacity];
    mask = capacity - 1;
  }

  /** Inserts the pair; false if it was already present. */
  boolean add(long hash, long[] set, Object state) {
    int i = slot(hash);
    while (sets[i] != null) {
      if (hashes[i] == hash && Arrays.equals(sets[i], set) && states[i].equals(state)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    hashes[i] = hash;
    sets[i] = set.clone();
    states[i] = state;
    if (++size * 2 > hashes.length) {
      grow();
    }
    return true;
  }

  int size() {
    return size;
  }

  private int slot(long hash) {
    long h = hash * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] oldHashes = hashes;
    long[][] oldSets = sets;
    Object[] oldStates = states;
    int capacity = oldHashes.length * 2;
    hashes = new long[capacity];
    sets = new long[capacity][];
    states = new Object[capacity];
    mask = capacity - 1;
    for (int j = 0; j < oldHashes.length; j++) {
      if (oldSets[j] != null) {
        int i = slot(oldHashes[j]);
        while (sets[i] != null) {
          i = (i + 1) & mask;
        }
        hashes[i] = oldHashes[j];
        sets[i] = oldSets[j];
        states[i] = oldStates[j];
      }
    }
  }
}
