package io.chronik.pipeline.driver;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/** A proposal of {@code size} 100-byte appends with cookies {@code firstCookie..}, all with one acks. */
record TestBatch(int groupId, int size, long firstCookie, Acks ack, AppendCallback target, Executor loop)
    implements AppendBatchView {
  @Override
  public long bytes() {
    return 100L * size;
  }

  @Override
  public ByteBuffer payload(int i) {
    ByteBuffer data = ByteBuffer.allocate(100);
    data.putLong(0, firstCookie + i);
    return data;
  }

  @Override
  public Acks acks(int i) {
    return ack;
  }

  @Override
  public long cookie(int i) {
    return firstCookie + i;
  }

  @Override
  public AppendCallback callback(int i) {
    return target;
  }

  @Override
  public Executor executor(int i) {
    return loop;
  }
}
