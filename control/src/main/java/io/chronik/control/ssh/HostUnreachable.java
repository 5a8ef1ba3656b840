package io.chronik.control.ssh;

/** The control node could not connect or authenticate to a host after its retries. */
public final class HostUnreachable extends RuntimeException {
  public HostUnreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
