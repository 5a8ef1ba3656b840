package io.chronik.broker.replication;

import io.chronik.pipeline.completion.AppendBatchView;
import java.nio.ByteBuffer;

/** The appends of a proposal that passed {@link PartitionGroup#admit}, in order. */
final class AdmittedBatch implements AppendBatchView {
  private final AppendBatchView source;
  private final int[] positions;
  private final int size;
  private final long bytes;

  AdmittedBatch(AppendBatchView source, int[] positions, int size) {
    this.source = source;
    this.positions = positions;
    this.size = size;
    long total = 0;
    for (int i = 0; i < size; i++) {
      total += source.payload(positions[i]).remaining();
    }
    this.bytes = total;
  }

  @Override
  public int groupId() {
    return source.groupId();
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
    return source.payload(positions[i]);
  }

  @Override
  public io.chronik.pipeline.completion.Acks acks(int i) {
    return source.acks(positions[i]);
  }

  @Override
  public long cookie(int i) {
    return source.cookie(positions[i]);
  }

  @Override
  public io.chronik.pipeline.completion.AppendCallback callback(int i) {
    return source.callback(positions[i]);
  }

  @Override
  public java.util.concurrent.Executor executor(int i) {
    return source.executor(positions[i]);
  }

  @Override
  public int incarnation(int i) {
    return source.incarnation(positions[i]);
  }
}
