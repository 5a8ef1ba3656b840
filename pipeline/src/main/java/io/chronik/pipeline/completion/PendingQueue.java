package io.chronik.pipeline.completion;

import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * FIFO of one group's appends that wait for durability or commit, in index order. Struct-of-arrays
 * ring that grows by doubling and never shrinks, so steady state allocates nothing; its size is
 * bounded by the {@link InFlightLimit}.
 */
final class PendingQueue {
  private long[] indexes = new long[16];
  private long[] terms = new long[16];
  private long[] cookies = new long[16];
  private Acks[] acks = new Acks[16];
  private AppendCallback[] callbacks = new AppendCallback[16];
  private Executor[] executors = new Executor[16];
  private int head;
  private int size;
  long durableIndex;
  long lastIndex;

  int size() {
    return size;
  }

  void add(long index, long term, Acks ack, long cookie, AppendCallback callback, Executor executor) {
    if (size == indexes.length) {
      grow();
    }
    int slot = (head + size) & (indexes.length - 1);
    indexes[slot] = index;
    terms[slot] = term;
    cookies[slot] = cookie;
    acks[slot] = ack;
    callbacks[slot] = callback;
    executors[slot] = executor;
    size++;
    lastIndex = index;
  }

  long headIndex() {
    return indexes[head];
  }

  long headTerm() {
    return terms[head];
  }

  Acks headAcks() {
    return acks[head];
  }

  long headCookie() {
    return cookies[head];
  }

  AppendCallback headCallback() {
    return callbacks[head];
  }

  Executor headExecutor() {
    return executors[head];
  }

  void removeHead() {
    callbacks[head] = null;
    executors[head] = null;
    acks[head] = null;
    head = (head + 1) & (indexes.length - 1);
    size--;
  }

  private void grow() {
    int capacity = indexes.length * 2;
    indexes = unwrap(indexes, capacity);
    terms = unwrap(terms, capacity);
    cookies = unwrap(cookies, capacity);
    acks = unwrap(acks, capacity);
    callbacks = unwrap(callbacks, capacity);
    executors = unwrap(executors, capacity);
    head = 0;
  }

  private long[] unwrap(long[] ring, int capacity) {
    long[] copy = new long[capacity];
    int firstPart = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, copy, 0, firstPart);
    System.arraycopy(ring, 0, copy, firstPart, size - firstPart);
    return copy;
  }

  private <T> T[] unwrap(T[] ring, int capacity) {
    T[] copy = Arrays.copyOf(ring, capacity);
    Arrays.fill(copy, null);
    int firstPart = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, copy, 0, firstPart);
    System.arraycopy(ring, 0, copy, firstPart, size - firstPart);
    return copy;
  }
}
