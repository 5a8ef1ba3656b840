package io.chronik.control.run;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Prints one status line a second while a run's workload is under faults: ops, ok, errors, faults. */
final class ProgressLine implements AutoCloseable {
  private final ScheduledExecutorService ticker;

  ProgressLine(PrintStream out, LongSupplier ops, LongSupplier ok, LongSupplier errors, LongSupplier faults) {
    long start = System.nanoTime();
    ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(() -> out.println(format(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
        ops.getAsLong(), ok.getAsLong(), errors.getAsLong(), faults.getAsLong())), 1, 1, TimeUnit.SECONDS);
  }

  static String format(long seconds, long ops, long ok, long errors, long faults) {
    return String.format(java.util.Locale.ROOT, "  t=%3ds ops=%d ok=%d errors=%d faults=%d", seconds, ops, ok, errors,
        faults);
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
