package io.chronik.control.host;

/** Thrown when the control node is asked to reach an address outside its inventory and lab. */
public final class GuardViolation extends RuntimeException {
  public GuardViolation(String message) {
    super(message);
  }
}
