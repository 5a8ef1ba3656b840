package io.chronik.broker.simulation;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * One attempt of an idempotent producer's acks=all produce request for partition t-0: one real Kafka
 * record batch (kafka-clients' builder: producer id, epoch, base sequence). {@code cookie} names the
 * attempt, so a late answer to an earlier attempt is still attributable. Completions run on the
 * driver's own call stack: no thread, so the run stays deterministic.
 */
record ProduceRequest(long cookie, ByteBuffer batch, AppendCallback target) implements AppendBatchView {
  private static final Executor INLINE = Runnable::run;

  @Override
  public int groupId() {
    return 0;
  }

  @Override
  public int size() {
    return 1;
  }

  @Override
  public long bytes() {
    return batch.remaining();
  }

  @Override
  public ByteBuffer payload(int i) {
    return batch.duplicate();
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
    return target;
  }

  @Override
  public Executor executor(int i) {
    return INLINE;
  }
}
