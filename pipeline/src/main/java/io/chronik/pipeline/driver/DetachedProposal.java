package io.chronik.pipeline.driver;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * A proposal copied out of the ring so it can cross to the driver thread: one object and five arrays
 * per group per batch, never per message. Payload buffers are shared, not copied (the publisher keeps
 * them alive until completion).
 */
public final class DetachedProposal implements AppendBatchView {
  private final int groupId;
  private final long bytes;
  private final ByteBuffer[] payloads;
  private final Acks[] acks;
  private final long[] cookies;
  private final AppendCallback[] callbacks;
  private final Executor[] executors;
  /** Null when every append is of incarnation 0 (the common case costs no array). */
  private final int[] incarnations;

  private DetachedProposal(AppendBatchView source) {
    int size = source.size();
    this.groupId = source.groupId();
    this.bytes = source.bytes();
    this.payloads = new ByteBuffer[size];
    this.acks = new Acks[size];
    this.cookies = new long[size];
    this.callbacks = new AppendCallback[size];
    this.executors = new Executor[size];
    int[] incarnationsSeen = null;
    for (int i = 0; i < size; i++) {
      int incarnation = source.incarnation(i);
      if (incarnation != 0 && incarnationsSeen == null) {
        incarnationsSeen = new int[size];
      }
      if (incarnationsSeen != null) {
        incarnationsSeen[i] = incarnation;
      }
      payloads[i] = source.payload(i);
      acks[i] = source.acks(i);
      cookies[i] = source.cookie(i);
      callbacks[i] = source.callback(i);
      executors[i] = source.executor(i);
    }
    this.incarnations = incarnationsSeen;
  }

  public static DetachedProposal copyOf(AppendBatchView source) {
    return new DetachedProposal(source);
  }

  @Override
  public int groupId() {
    return groupId;
  }

  @Override
  public int size() {
    return payloads.length;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public ByteBuffer payload(int i) {
    return payloads[i];
  }

  @Override
  public Acks acks(int i) {
    return acks[i];
  }

  @Override
  public long cookie(int i) {
    return cookies[i];
  }

  @Override
  public AppendCallback callback(int i) {
    return callbacks[i];
  }

  @Override
  public Executor executor(int i) {
    return executors[i];
  }

  @Override
  public int incarnation(int i) {
    return incarnations == null ? 0 : incarnations[i];
  }
}
