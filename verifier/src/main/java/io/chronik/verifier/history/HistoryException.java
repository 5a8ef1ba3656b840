package io.chronik.verifier.history;

/** A history that cannot be read or paired; the message reads {@code key=value ...}. */
public final class HistoryException extends RuntimeException {

  public HistoryException(String message) {
    super(message);
  }

  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
