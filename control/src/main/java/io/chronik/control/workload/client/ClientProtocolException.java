package io.chronik.control.workload.client;

/** A client process broke the line protocol (a bug in the client, never a fault): says which client, line and why. */
public final class ClientProtocolException extends RuntimeException {
  public ClientProtocolException(String message) {
    super(message);
  }

  public ClientProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
