package io.chronik.control.host;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a broker's admin {@code /ready} to answer 200 (the node knows the metadata leader, every
 * partition it hosts has a leader, none is catching up): what an operator's rolling restart waits for
 * before it takes the next node down. Every target passes the address guard first.
 */
public final class ReadyProbe {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ReadyProbe() {}

  /** Returns once {@code http://host:adminPort/ready} answers 200; throws naming the last answer after {@code timeout}. */
  public static void await(AddressGuard guard, String host, int adminPort, Duration timeout)
      throws InterruptedException {
    guard.check(host);
    await(URI.create("http://" + host + ":" + adminPort + "/ready"), timeout);
  }

  /** The same for a broker on this machine's loopback. */
  public static void awaitLoopback(int adminPort, Duration timeout) throws InterruptedException {
    await(URI.create("http://127.0.0.1:" + adminPort + "/ready"), timeout);
  }

  private static void await(URI ready, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no-answer";
    while (true) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.body().strip();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("url=" + ready + " reason=not-ready timeoutMs=" + timeout.toMillis()
            + " last=" + last);
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
