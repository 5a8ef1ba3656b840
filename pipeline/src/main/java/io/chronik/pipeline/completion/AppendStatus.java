package io.chronik.pipeline.completion;

/** Outcome of one append, delivered with its completion. */
public enum AppendStatus {
  /** Durable as the request's acks demanded; the completion's {@code logIndex} is its log index. */
  SUCCESS,
  /** This node does not lead the group; the client should refresh metadata and retry. */
  NOT_LEADER,
  /** The leader refused the proposal (too many uncommitted entries): back-pressure, retry later. */
  OVERLOADED,
  /** The durable write or sync failed; after a failed fsync nothing later is trusted. */
  STORAGE_ERROR,
  /** The pipeline shut down before the append became durable. */
  SHUTDOWN,
  /**
   * Not appended: it repeats an append already committed (an idempotent producer's retry); the
   * completion's {@code originalOffset} carries the application's offset of the original.
   */
  DUPLICATE,
  /**
   * Not appended: the pipeline could not process it (an unexpected error before it reached the log,
   * logged with its cause); safe to retry.
   */
  FAILED,
  /** Not appended: the application refused it; the completion's {@code refusalCode} carries its error code. */
  REFUSED
}
