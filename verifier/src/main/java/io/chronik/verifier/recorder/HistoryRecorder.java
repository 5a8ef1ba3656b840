package io.chronik.verifier.recorder;

import io.chronik.verifier.history.EdnHistoryWriter;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import us.bpsm.edn.Keyword;

/**
 * Records a Jepsen history while a test runs: one EDN op map per line, appended as things happen
 * (invocation, then ok/fail/info), with dense {@code :index} and {@code :time} in nanoseconds since
 * the recorder opened.
 *
 * <p>Thread-safe: index assignment and the write happen under one lock, so file order is index
 * order. A background thread flushes every {@code flushInterval}, so a crashed run (even
 * {@code kill -9} of the test JVM) keeps its history up to the last flush; {@link #close} flushes
 * the rest. Clients work through {@link Worker}s (one per client thread, Jepsen's
 * {@code concurrency}); after an indeterminate ({@code info}) result the worker continues under a
 * new process id, {@code process + concurrency}, so thread = process mod concurrency. The nemesis
 * records through {@link #faultOps()}.
 */
public final class HistoryRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);

  private final EdnHistoryWriter writer;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final int concurrency;
  private final Worker[] workers;
  private final FaultOps faultOps = new FaultOps(this);
  private final ScheduledExecutorService flusher;
  private long nextIndex;
  private boolean closed;

  private HistoryRecorder(EdnHistoryWriter writer, int concurrency, Duration flushInterval, LongSupplier nanoTime) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency=" + concurrency + " reason=must-be-positive");
    }
    this.writer = writer;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
    this.concurrency = concurrency;
    this.workers = new Worker[concurrency];
    for (int i = 0; i < concurrency; i++) {
      workers[i] = new Worker(this, i);
    }
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "history-flusher");
      t.setDaemon(true);
      return t;
    });
    long ms = Math.max(1, flushInterval.toMillis());
    flusher.scheduleWithFixedDelay(this::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Opens (truncating) a history file, flushed every 100 ms. */
  public static HistoryRecorder open(Path file, int concurrency) throws IOException {
    return open(file, concurrency, Duration.ofMillis(100), System::nanoTime);
  }

  public static HistoryRecorder open(Path file, int concurrency, Duration flushInterval, LongSupplier nanoTime)
      throws IOException {
    return new HistoryRecorder(EdnHistoryWriter.create(file), concurrency, flushInterval, nanoTime);
  }

  /** The worker for client thread {@code thread} (0 ≤ thread < concurrency); always the same object. */
  public Worker worker(int thread) {
    return workers[thread];
  }

  public int concurrency() {
    return concurrency;
  }

  /** Where the nemesis records its fault ops ({@code :process :nemesis}). */
  public FaultOps faultOps() {
    return faultOps;
  }

  /** Stamps index and time on the op and appends it; returns the op as written. */
  synchronized Op append(Op op) {
    if (closed) {
      throw new IllegalStateException("reason=recorder-closed op=" + op.f());
    }
    Op stamped = op.withIndex(nextIndex++).withTime(nanoTime.getAsLong() - startNanos);
    try {
      writer.write(stamped);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return stamped;
  }

  static Op withError(Op op, Object error) {
    return error == null ? op : op.withExtra(Map.of(Keyword.newKeyword("error"), error));
  }

  static Op client(OpType type, long process, Keyword f, Object value) {
    return type == OpType.INVOKE ? Op.invoke(process, f, value) : Op.complete(type, process, f, value);
  }

  /** Number of ops written so far. */
  /** Time zero of the history's op times, on the recorder's clock (System.nanoTime unless injected). */
  public long startNanos() {
    return startNanos;
  }

  public synchronized long size() {
    return nextIndex;
  }

  public synchronized void flush() throws IOException {
    if (!closed) {
      writer.flush();
    }
  }

  private void flushQuietly() {
    try {
      flush();
    } catch (IOException | RuntimeException e) {
      LOG.warn("reason=history-flush-failed error={}", e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    flusher.shutdownNow();
    synchronized (this) {
      if (!closed) {
        closed = true;
        writer.close();
      }
    }
  }
}
