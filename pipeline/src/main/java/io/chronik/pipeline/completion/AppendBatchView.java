package io.chronik.pipeline.completion;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The appends of one group that travel together (one Raft proposal). Implementations may be
 * flyweights over ring slots: a consumer must copy what it keeps past the call that handed it over.
 */
public interface AppendBatchView {
  int groupId();

  int size();

  /** Sum of the payloads' remaining bytes. */
  long bytes();

  /** The payload's readable bytes; consumers read it without moving its position. */
  ByteBuffer payload(int i);

  Acks acks(int i);

  long cookie(int i);

  /** May be null only for {@link Acks#NONE} (then nothing is delivered). */
  AppendCallback callback(int i);

  /** Null only for {@link Acks#NONE}. */
  Executor executor(int i);

  /**
   * Which incarnation of the group the publisher meant (a group id is reused after its group was
   * deleted): the group refuses an append meant for another one. 0 unless the publisher said.
   */
  default int incarnation(int i) {
    return 0;
  }
}
