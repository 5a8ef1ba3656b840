package io.chronik.pipeline.completion;

import java.util.concurrent.Executor;

/**
 * The completions bound for one executor from one registry call, run there as one task: one
 * allocation per executor per batch instead of one per message, and the executor's FIFO keeps them
 * in the order they were collected.
 */
final class Delivery implements Runnable {
  final Executor executor;
  private AppendCallback[] callbacks = new AppendCallback[16];
  private long[] cookies = new long[16];
  private int[] groupIds = new int[16];
  private long[] indexes = new long[16];
  private AppendStatus[] statuses = new AppendStatus[16];
  private int size;

  Delivery(Executor executor) {
    this.executor = executor;
  }

  void add(AppendCallback callback, long cookie, int groupId, long index, AppendStatus status) {
    if (size == callbacks.length) {
      int capacity = size * 2;
      callbacks = java.util.Arrays.copyOf(callbacks, capacity);
      cookies = java.util.Arrays.copyOf(cookies, capacity);
      groupIds = java.util.Arrays.copyOf(groupIds, capacity);
      indexes = java.util.Arrays.copyOf(indexes, capacity);
      statuses = java.util.Arrays.copyOf(statuses, capacity);
    }
    callbacks[size] = callback;
    cookies[size] = cookie;
    groupIds[size] = groupId;
    indexes[size] = index;
    statuses[size] = status;
    size++;
  }

  int size() {
    return size;
  }

  @Override
  public void run() {
    for (int i = 0; i < size; i++) {
      callbacks[i].onAppendCompleted(cookies[i], groupIds[i], indexes[i], statuses[i]);
    }
  }
}
