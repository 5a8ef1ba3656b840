package io.chronik.broker.archive;

/** The archive refused an object or could not be reached; the message reads {@code key=value}. */
public final class ArchiveException extends Exception {
  private static final long serialVersionUID = 1L;

  public ArchiveException(String message) {
    super(message);
  }

  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
