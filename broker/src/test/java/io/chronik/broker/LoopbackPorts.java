package io.chronik.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the processes a test starts, taken below the kernel's ephemeral range. A port found by
 * binding port 0 and closing the socket lies inside that range, where any outgoing connection may be given it
 * before the process binds it: a peer reconnecting to a node that is still down every few milliseconds did,
 * and the node then failed with "Address already in use" (ElectLeadersIntegrationTest, CI of 2026-12-06).
 * Ports below the range are only ever bound on purpose.
 */
public final class LoopbackPorts {
  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LINUX_EPHEMERAL_LOW = 32768;
  private static final int PORTS_LOW = 10_000;
  /**
   * Below the control tests' port bases (20000-32000, {@code Distribution.freePortBase}) and Apache Kafka's
   * peer ports (19092+): processes of one module's tests left behind, or of the other picker, never sit on
   * a port the other hands out.
   */
  private static final int PORTS_HIGH = 19_000;
  /** Handed out by this JVM: a port given to a process not started yet is free, but taken. */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private LoopbackPorts() {
  }

  /** One port free on 127.0.0.1 now and never handed out before by this JVM. */
  public static synchronized int take() throws IOException {
    int high = Math.min(PORTS_HIGH, ephemeralLow());
    int span = high - PORTS_LOW;
    int start = ThreadLocalRandom.current().nextInt(span); // another JVM running tests starts elsewhere
    for (int i = 0; i < span; i++) {
      int port = PORTS_LOW + (start + i) % span;
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IOException("reason=no-free-loopback-port low=" + PORTS_LOW + " high=" + high);
  }

  /** {@code count} distinct ports, see {@link #take()}. */
  public static int[] take(int count) throws IOException {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = take();
    }
    return ports;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // as the servers bind: a port whose old connections sit in TIME_WAIT is free
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int ephemeralLow() throws IOException {
    if (!Files.isReadable(RANGE)) {
      return LINUX_EPHEMERAL_LOW;
    }
    // readAllLines, not readString: procfs reports size 0, and readString then returned a single byte ("3")
    int low = Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
    if (low <= PORTS_LOW + 1000) {
      throw new IOException("reason=ephemeral-range-too-low ip_local_port_range.low=" + low
          + " need-above=" + (PORTS_LOW + 1000));
    }
    return low;
  }
}
