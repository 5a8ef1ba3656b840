package io.chronik.control.db;

/** A lifecycle step did not reach its state; the message is key=value. */
public final class DbException extends RuntimeException {
  public DbException(String message) {
    super(message);
  }
}
