package io.chronik.verifier.kafka;

import java.util.Arrays;

/**
 * Open-addressing long → long hash map (linear probing, power-of-two table). Hand-written because
 * the checker's hot path is millions of value lookups and boxed {@code HashMap<Long, ...>} was
 * memory-bound (profiled on the 1M-op soak history); no primitive-collections library is among
 * our managed dependencies. Keys may be any long except {@link #FREE_KEY}; insert-only.
 */
final class LongLongMap {
  /** Reserved: marks empty slots. Values in Kafka histories are never Long.MIN_VALUE. */
  static final long FREE_KEY = Long.MIN_VALUE;
  private long[] keys;
  private long[] values;
  private int size;
  private int mask;

  LongLongMap() {
    this(16);
  }

  LongLongMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, FREE_KEY);
    mask = cap - 1;
  }

  private static int hash(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }

  private int slot(long k) {
    int i = hash(k) & mask;
    while (keys[i] != FREE_KEY && keys[i] != k) {
      i = (i + 1) & mask;
    }
    return i;
  }

  long get(long k, long missing) {
    int i = slot(k);
    return keys[i] == FREE_KEY ? missing : values[i];
  }

  boolean containsKey(long k) {
    return keys[slot(k)] != FREE_KEY;
  }

  void put(long k, long v) {
    if (k == FREE_KEY) {
      throw new IllegalArgumentException("key=" + k + " reason=reserved");
    }
    int i = slot(k);
    if (keys[i] == FREE_KEY) {
      keys[i] = k;
      size++;
      values[i] = v;
      if (size * 2 > keys.length) {
        grow();
      }
    } else {
      values[i] = v;
    }
  }

  /** Puts only if absent; returns true if it put. */
  boolean putIfAbsent(long k, long v) {
    if (containsKey(k)) {
      return false;
    }
    put(k, v);
    return true;
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new long[oldKeys.length * 2];
    Arrays.fill(keys, FREE_KEY);
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != FREE_KEY) {
        int j = slot(oldKeys[i]);
        keys[j] = oldKeys[i];
        values[j] = oldValues[i];
      }
    }
  }

  /** The keys, sorted ascending (for deterministic reports). */
  long[] sortedKeys() {
    long[] out = new long[size];
    int n = 0;
    for (long k : keys) {
      if (k != FREE_KEY) {
        out[n++] = k;
      }
    }
    Arrays.sort(out);
    return out;
  }
}
