package io.chronik.control.host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A TCP connect attempt to a guarded address: the health check of anything that listens. */
public final class TcpProbe {
  private TcpProbe() {}

  public static boolean accepts(AddressGuard guard, InetSocketAddress target, Duration timeout) {
    guard.check(target);
    try (Socket socket = new Socket()) {
      socket.connect(target, (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
