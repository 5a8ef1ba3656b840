package io.chronik.pipeline.simulation;

/** An invariant of the production-path simulation broke; the message reads {@code key=value}. */
final class SimViolation extends AssertionError {
  SimViolation(String message) {
    super(message);
  }
}
