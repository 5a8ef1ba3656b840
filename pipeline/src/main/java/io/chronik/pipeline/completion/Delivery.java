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
  private AppendStatus[] statuses = new AppendStatus[16];
  private long[] logIndexes = new long[16];
  private long[] originalOffsets = new long[16];
  private short[] refusalCodes = new short[16];
  private int size;

  Delivery(Executor executor) {
    this.executor = executor;
  }

  void add(AppendCallback callback, long cookie, int groupId, AppendStatus status, long logIndex,
      long originalOffset, short refusalCode) {
    if (size == callbacks.length) {
      int capacity = size * 2;
      callbacks = java.util.Arrays.copyOf(callbacks, capacity);
      cookies = java.util.Arrays.copyOf(cookies, capacity);
      groupIds = java.util.Arrays.copyOf(groupIds, capacity);
      statuses = java.util.Arrays.copyOf(statuses, capacity);
      logIndexes = java.util.Arrays.copyOf(logIndexes, capacity);
      originalOffsets = java.util.Arrays.copyOf(originalOffsets, capacity);
      refusalCodes = java.util.Arrays.copyOf(refusalCodes, capacity);
    }
    callbacks[size] = callback;
    cookies[size] = cookie;
    groupIds[size] = groupId;
    statuses[size] = status;
    logIndexes[size] = logIndex;
    originalOffsets[size] = originalOffset;
    refusalCodes[size] = refusalCode;
    size++;
  }

  int size() {
    return size;
  }

  @Override
  public void run() {
    for (int i = 0; i < size; i++) {
      callbacks[i].onAppendCompleted(cookies[i], groupIds[i], statuses[i], logIndexes[i], originalOffsets[i],
          refusalCodes[i]);
    }
  }
}
