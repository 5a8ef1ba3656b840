package io.chronik.pipeline.produce;

/** What {@link ProducePipeline#tryPublish} did; anything but ACCEPTED leaves no trace in the pipeline. */
public enum PublishResult {
  ACCEPTED,
  /** Back-pressure: every ring slot is taken; retry later (a Netty channel stops reading meanwhile). */
  RING_FULL,
  /** Back-pressure: too many appends wait for a sync or a commit. */
  IN_FLIGHT_FULL,
  /** The payload alone exceeds batchBytesMax and can never fit a proposal. */
  TOO_LARGE,
  /** The pipeline is closed. */
  CLOSED;

  public boolean isBackPressure() {
    return this == RING_FULL || this == IN_FLIGHT_FULL;
  }
}
