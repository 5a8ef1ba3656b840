package io.chronik.control.lab;

/** A lab operation failed; the message names what and why in key=value form. */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }
}
