package io.chronik.verifier.report;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints {@code chronik check: elapsed=…s <status>} to stderr every two seconds while a long read or
 * check runs, so a ten-million-op history shows it is moving. Close it when done.
 */
public final class ProgressLine implements AutoCloseable {
  private final ScheduledExecutorService ticker;

  private ProgressLine(PrintWriter err, Supplier<String> status) {
    long start = System.nanoTime();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "check-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> {
      err.printf("chronik check: elapsed=%ds %s%n", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
          status.get());
      err.flush();
    }, 2, 2, TimeUnit.SECONDS);
  }

  public static ProgressLine start(PrintWriter err, Supplier<String> status) {
    return new ProgressLine(err, status);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
