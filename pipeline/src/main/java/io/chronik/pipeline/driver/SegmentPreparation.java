package io.chronik.pipeline.driver;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The driver's thread for storage work it never waits for: the groups' logs hand it their spare segments to
 * zero-fill and force before they are needed ({@code SegmentedLog.prepareSparesOn}), so the appends of the
 * driver write into allocated blocks and no roll writes zeros on the driver (docs/PERFORMANCE.md, lever 2).
 * Apart from {@link ParkedGroups}' worker: a snapshot image's work takes seconds and a group waits for it,
 * a spare is only worth having if it is early.
 *
 * <p>Bounded: {@link #execute} refuses work ({@link RejectedExecutionException}) when {@value #QUEUE_SLOTS}
 * preparations already wait, and the log then rolls without a spare. A driver that was never started
 * ({@code runOnce}, simulations) runs the work in line, deterministically, as {@link ParkedGroups} does.
 * The work touches only its spare's file; the log's owner (the driver) may close the log meanwhile, which
 * the work tolerates (it gives up quietly and leaves no file).
 */
public final class SegmentPreparation implements Executor, AutoCloseable {
  /**
   * A log asks once per segment and not while its spare is on its way, so this many waiting means the disk
   * is behind: later spares would come too late to help, and would compete with the appends for the disk.
   */
  static final int QUEUE_SLOTS = 64;

  private final ArrayBlockingQueue<Runnable> todo = new ArrayBlockingQueue<>(QUEUE_SLOTS);
  private volatile Thread worker;
  private volatile boolean closed;
  private volatile long done;
  private volatile long refused;
  private volatile long workNanos;

  /** From now on the work runs on a thread of {@code threadFactory}'s, not in line. */
  void start(ThreadFactory threadFactory) {
    Thread t = threadFactory.newThread(this::work);
    t.setName(t.getName() + "-segment-prep");
    worker = t;
    t.start();
  }

  @Override
  public void execute(Runnable preparation) {
    if (worker == null && !closed) {
      run(preparation);
      return;
    }
    if (closed || !todo.offer(preparation)) {
      refused++; // the driver's thread only (the logs ask on it): no lost updates
      throw new RejectedExecutionException("queued=" + todo.size() + " closed=" + closed + " reason=no-room");
    }
  }

  /** Preparations done since start. */
  public long done() {
    return done;
  }

  /** Preparations refused (queue full, or closed) since start. */
  public long refused() {
    return refused;
  }

  /** Time spent preparing since start. */
  public long workNanos() {
    return workNanos;
  }

  private void work() {
    while (!closed) {
      Runnable next;
      try {
        next = todo.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next != null) {
        run(next);
      }
    }
  }

  private void run(Runnable preparation) {
    long started = System.nanoTime();
    try {
      preparation.run();
    } catch (RuntimeException e) {
      // a spare is an optimisation: its log rolls without one; the log's own writes report a failing disk
    }
    workNanos += System.nanoTime() - started; // one thread at a time: the worker, or the unstarted driver's
    done++;
  }

  /**
   * Stops the worker: a preparation in progress is interrupted (its file I/O fails; the spare is left for
   * the log's next open to delete) and queued ones are dropped.
   */
  @Override
  public void close() {
    closed = true;
    Thread t = worker;
    if (t != null) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    todo.clear();
  }
}
