package io.chronik.pipeline.simulation;

/**
 * An invariant of a production-path simulation (the pipeline's or the broker's) broke; the message
 * reads {@code key=value} and names the invariant as {@code reason=…}.
 */
public final class SimViolation extends AssertionError {
  public SimViolation(String message) {
    super(message);
  }
}
