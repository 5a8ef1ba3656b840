package io.chronik.broker.simulation;

/** An invariant of the broker simulation broke; the message reads {@code key=value ... reason=<invariant>}. */
final class BrokerViolation extends AssertionError {
  BrokerViolation(String message) {
    super(message);
  }
}
