package io.chronik.pipeline.produce;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/** One pre-allocated ring slot: an append request. Fields are written by one publisher, then read by the batcher. */
final class AppendEvent {
  int groupId;
  int incarnation;
  ByteBuffer payload;
  Acks acks;
  long cookie;
  AppendCallback callback;
  Executor executor;

  /** Drops references so a consumed slot pins no payload until it is reused. */
  void clear() {
    payload = null;
    callback = null;
    executor = null;
    acks = null;
  }
}
