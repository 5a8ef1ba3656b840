package io.chronik.pipeline.driver;

/**
 * Applies a Ready's committed entries to the node's state (the broker's partition log and high
 * watermark) before completions for them are delivered. Called on the driver thread for every Ready
 * handled (its committed entries may be empty: a Ready can carry only read states or messages).
 *
 * @param <M> the peer message type
 */
@FunctionalInterface
public interface CommitApplier<M> {
  void apply(DrivenGroup<M> group, GroupReady<M> ready);
}
