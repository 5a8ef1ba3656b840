package io.chronik.control.cluster;

/** A cluster could not be started, stopped or inspected; the message reads key=value. */
public final class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
