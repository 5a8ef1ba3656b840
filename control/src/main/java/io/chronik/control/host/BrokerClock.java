package io.chronik.control.host;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A broker's wall clock as seen from outside: its admin server (the JDK's HTTP server in the broker
 * process) stamps every answer with a {@code Date} header from the process's own wall clock, so the
 * header minus this machine's clock is the offset the broker reads — a fake clock's included. The
 * header has whole seconds; the offset is rounded to seconds.
 */
public final class BrokerClock {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private BrokerClock() {}

  /** One reading: the broker's wall clock minus this machine's, in seconds. */
  public static long offsetSeconds(AddressGuard guard, String host, int adminPort) throws IOException,
      InterruptedException {
    guard.check(host);
    URI ready = URI.create("http://" + host + ":" + adminPort + "/ready");
    long before = System.currentTimeMillis();
    HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
        HttpResponse.BodyHandlers.discarding());
    long after = System.currentTimeMillis();
    String date = r.headers().firstValue("Date").orElseThrow(() -> new IOException("url=" + ready + " reason=no-date-header"));
    return offset(date, before, after);
  }

  /**
   * The offset a {@code Date} header says, taken at local times {@code before}..{@code after}: the
   * header's second is truncated, so the broker's time is taken as its middle (+500 ms).
   */
  static long offset(String date, long before, long after) {
    long broker = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() + 500;
    return Math.round((broker - (before + after) / 2.0) / 1000.0);
  }

  /**
   * Reads until the broker's offset is within 1 s of {@code expected} or {@code timeout} passed (its
   * clock may cache the offset up to a second); returns what it saw last, key=value: {@code +137} or
   * {@code unknown error=...}.
   */
  public static String await(AddressGuard guard, String host, int adminPort, long expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "unknown";
    while (true) {
      try {
        long seen = offsetSeconds(guard, host, adminPort);
        last = signed(seen);
        if (Math.abs(seen - expected) <= 1) {
          return last;
        }
      } catch (IOException e) {
        last = "unknown error=" + String.valueOf(e.getMessage()).replace(' ', '_');
      }
      if (System.nanoTime() > deadline) {
        return last;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Reads every {@code every} for {@code duration}; returns the distinct offsets seen, e.g. {@code [-42,+0]}. */
  public static String sample(AddressGuard guard, String host, int adminPort, Duration duration, Duration every)
      throws InterruptedException {
    long deadline = System.nanoTime() + duration.toNanos();
    TreeSet<Long> seen = new TreeSet<>();
    String error = "";
    while (System.nanoTime() < deadline) {
      try {
        seen.add(offsetSeconds(guard, host, adminPort));
      } catch (IOException e) {
        error = " error=" + String.valueOf(e.getMessage()).replace(' ', '_');
      }
      TimeUnit.MILLISECONDS.sleep(every.toMillis());
    }
    return "[" + String.join(",", seen.stream().map(BrokerClock::signed).toList()) + "]" + error;
  }

  private static String signed(long seconds) {
    return (seconds < 0 ? "-" : "+") + Math.abs(seconds);
  }
}
