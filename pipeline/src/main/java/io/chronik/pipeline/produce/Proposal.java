package io.chronik.pipeline.produce;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * One group's accumulating proposal: a flyweight over the ring slots of the current Disruptor batch
 * (the slots stay owned by the batcher until the batch ends). Reused for every batch; its array grows
 * to batchRecordsMax at most and never shrinks.
 */
final class Proposal implements AppendBatchView {
  private final int groupId;
  private AppendEvent[] events = new AppendEvent[16];
  private int size;
  private long bytes;
  /** The group appeared in the current batch (it may have emitted split proposals already). */
  boolean touched;

  Proposal(int groupId) {
    this.groupId = groupId;
  }

  void add(AppendEvent event) {
    int payloadBytes = event.payload.remaining(); // before storing: an append that throws here is not held
    if (size == events.length) {
      events = Arrays.copyOf(events, size * 2);
    }
    events[size++] = event;
    bytes += payloadBytes;
  }

  /** Releases the slots' references after the sink consumed the proposal. */
  void reset() {
    for (int i = 0; i < size; i++) {
      events[i].clear();
      events[i] = null;
    }
    size = 0;
    bytes = 0;
  }

  @Override
  public int groupId() {
    return groupId;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public ByteBuffer payload(int i) {
    return events[i].payload;
  }

  @Override
  public Acks acks(int i) {
    return events[i].acks;
  }

  @Override
  public long cookie(int i) {
    return events[i].cookie;
  }

  @Override
  public AppendCallback callback(int i) {
    return events[i].callback;
  }

  @Override
  public Executor executor(int i) {
    return events[i].executor;
  }

  @Override
  public int incarnation(int i) {
    return events[i].incarnation;
  }
}
