package io.chronik.broker.replication;

/**
 * The most recent data entries of a partition log as (Raft index, offset after the entry), newest last: what a
 * suffix truncation rolls the next offset back to without reading the log. A ring that grows from 16 slots to
 * {@link #CAPACITY_MAX} as entries come (idle partitions stay small); older entries fall off, and a roll-back
 * past them reads the log instead. Driver thread only.
 */
final class TailOffsets {
  static final int CAPACITY_MAX = 4096;

  private long[] indexes = new long[16];
  private long[] offsets = new long[16];
  private int top;
  private int size;

  void push(long index, long nextOffset) {
    if (size == indexes.length && indexes.length < CAPACITY_MAX) {
      grow();
    }
    int capacity = indexes.length;
    indexes[top] = index;
    offsets[top] = nextOffset;
    top = (top + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** Forgets entries at or after {@code fromIndex}; the next offset after the newest one left, or -1 if none is. */
  long dropFrom(long fromIndex) {
    int capacity = indexes.length;
    while (size > 0 && indexes[(top - 1 + capacity) % capacity] >= fromIndex) {
      top = (top - 1 + capacity) % capacity;
      size--;
    }
    return size > 0 ? offsets[(top - 1 + capacity) % capacity] : -1;
  }

  /** Forgets every entry (the log was replaced by a leader's snapshot image). */
  void clear() {
    top = 0;
    size = 0;
  }

  /** Doubles the full ring, oldest entry first. */
  private void grow() {
    int capacity = indexes.length;
    long[] newIndexes = new long[capacity * 2];
    long[] newOffsets = new long[capacity * 2];
    for (int i = 0; i < size; i++) {
      int from = (top - size + i + capacity) % capacity;
      newIndexes[i] = indexes[from];
      newOffsets[i] = offsets[from];
    }
    indexes = newIndexes;
    offsets = newOffsets;
    top = size;
  }
}
