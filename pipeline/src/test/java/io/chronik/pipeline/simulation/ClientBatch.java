package io.chronik.pipeline.simulation;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * A client's acks=all batch of appends with consecutive cookies; each payload starts with its cookie
 * (unique in the whole run) so the oracle can find it in any replica's log. Completions run on the
 * driver's own call stack ({@code Runnable::run}): no thread, so the run stays deterministic.
 */
record ClientBatch(int groupId, long firstCookie, int[] padding, AppendCallback target) implements AppendBatchView {
  private static final Executor INLINE = Runnable::run;

  @Override
  public int size() {
    return padding.length;
  }

  @Override
  public long bytes() {
    long total = 0;
    for (int p : padding) {
      total += 12 + p;
    }
    return total;
  }

  @Override
  public ByteBuffer payload(int i) {
    ByteBuffer data = ByteBuffer.allocate(12 + padding[i]);
    data.putLong(0, firstCookie + i).putInt(8, groupId);
    for (int b = 12; b < data.capacity(); b++) {
      data.put(b, (byte) (firstCookie + i + b));
    }
    return data;
  }

  @Override
  public Acks acks(int i) {
    return Acks.ALL;
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
    return INLINE;
  }
}
