package io.chronik.broker.replication;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/** A proposal of one append outside the produce ring (metadata commands). */
record SingleAppend(int groupId, ByteBuffer payload, long cookie, AppendCallback callback, Executor executor)
    implements AppendBatchView {
  @Override
  public int size() {
    return 1;
  }

  @Override
  public long bytes() {
    return payload.remaining();
  }

  @Override
  public ByteBuffer payload(int i) {
    return payload;
  }

  @Override
  public Acks acks(int i) {
    return Acks.ALL;
  }

  @Override
  public long cookie(int i) {
    return cookie;
  }

  @Override
  public AppendCallback callback(int i) {
    return callback;
  }

  @Override
  public Executor executor(int i) {
    return executor;
  }
}
