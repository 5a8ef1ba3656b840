package io.chronik.broker.api;

/**
 * The host and port clients are told to use for this node. The port is known only once the listener
 * has bound (port 0 picks a free one), after the handlers exist, so it has its own owner, written once
 * by the broker's start on the state thread, instead of a late write into {@link BrokerState}.
 */
public final class AdvertisedAddress {
  private String host;
  private int port = -1;

  /** Sets the address; a second call is a bug in the start sequence. */
  public void bind(String host, int port) {
    if (this.host != null) {
      throw new IllegalStateException("host=" + this.host + " port=" + this.port + " reason=advertised-twice");
    }
    this.host = host;
    this.port = port;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }
}
