package io.chronik.control.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy measured from outside over real loopback sockets: an echo server that closes the
 * connection after its first answer, reached directly and through the proxy.
 */
class DelayProxyTest {
  private ServerSocket echo;
  private Thread serving;

  @BeforeEach
  void startEcho() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serving = new Thread(() -> {
      while (!echo.isClosed()) {
        try (Socket s = echo.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
          OutputStream out = s.getOutputStream();
          for (String line = in.readLine(); line != null && !line.equals("bye"); line = in.readLine()) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
          out.write("bye\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        } catch (IOException e) {
          return; // closed
        }
      }
    }, "echo");
    serving.setDaemon(true);
    serving.start();
  }

  @AfterEach
  void stopEcho() throws IOException {
    echo.close();
  }

  /** Median round trip in ms of 7 pings, then the ms from the server's goodbye to end of stream. */
  private long[] measure(InetSocketAddress at) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(at, 2_000);
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = s.getOutputStream();
      long[] rtt = new long[7];
      for (int i = 0; i < rtt.length; i++) {
        long t0 = System.nanoTime();
        out.write(("ping" + i + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertThat(in.readLine()).isEqualTo("ping" + i);
        rtt[i] = (System.nanoTime() - t0) / 1_000_000;
      }
      out.write("bye\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertThat(in.readLine()).isEqualTo("bye");
      long goodbye = System.nanoTime();
      assertThat(in.read()).as("end of stream").isEqualTo(-1);
      Arrays.sort(rtt);
      return new long[] {rtt[rtt.length / 2], (System.nanoTime() - goodbye) / 1_000_000};
    }
  }

  private InetSocketAddress echoAddress() {
    return (InetSocketAddress) echo.getLocalSocketAddress();
  }

  @Test
  void eachDirectionIsDelayedSoTheRoundTripGrowsByTwiceTheDelay() throws Exception {
    long[] direct = measure(echoAddress());
    try (DelayProxy proxy = DelayProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echoAddress(),
        100, 0)) {
      long[] proxied = measure(proxy.address());
      System.out.printf("proxy measured: rtt-ms direct=%d proxied=%d (100 ms each way)%n", direct[0], proxied[0]);
      assertThat(proxied[0] - direct[0]).as("added round trip, ms").isBetween(190L, 300L);
      assertThat(proxied[1]).as("the close follows the data without slow close, ms").isLessThan(400L);
    }
  }

  @Test
  void aClosedPeerIsSeenSecondsLateWithSlowClose() throws Exception {
    long[] direct = measure(echoAddress());
    try (DelayProxy proxy = DelayProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echoAddress(),
        0, 2_000)) {
      long[] proxied = measure(proxy.address());
      System.out.printf("proxy measured: close-seen-after-ms direct=%d slow-close=%d (2000 set)%n", direct[1],
          proxied[1]);
      assertThat(direct[1]).isLessThan(500L);
      assertThat(proxied[1]).as("close seen after, ms").isBetween(1_900L, 3_000L);
      assertThat(proxied[0]).as("data itself not delayed, ms").isLessThan(100L);
    }
  }

  @Test
  void closingTheProxyDropsItsConnections() throws Exception {
    DelayProxy proxy = DelayProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echoAddress(), 0,
        60_000);
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 2_000);
      s.setSoTimeout(5_000);
      s.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
      assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine())
          .isEqualTo("hi");
      proxy.close();
      assertThat(s.getInputStream().read()).as("dropped at once, not after the slow close").isEqualTo(-1);
    }
  }
}
