package io.chronik.pipeline.produce;

import io.chronik.pipeline.completion.AppendBatchView;

/**
 * The stage after the batcher: the group-commit stage (local durable log) or the Raft driver. Called
 * on the batcher thread only. A sink that cannot accept more must wait (not drop): the ring then fills
 * and publishers see back-pressure.
 *
 * <p>A sink turns its own failures into completions. If {@link #propose} throws anyway, it took none of
 * the proposal's appends: the batcher completes them {@code FAILED} and releases their permits.
 */
public interface ProposalSink {
  /** One proposal: appends of one group in publish order. The view is valid only during this call. */
  void propose(AppendBatchView proposal);

  /** The Disruptor batch ended: flush/sync what the proposals of this batch produced. */
  void endOfBatch();
}
