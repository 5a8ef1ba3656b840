package io.chronik.control.nemesis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link FaultPlan} in real time alongside the clients: each fault put in place and healed
 * at its offsets from the run's start (a step whose window has already passed is skipped), then —
 * always, even if interrupted — the final heal.
 */
public final class NemesisSchedule {
  private NemesisSchedule() {}

  /** Blocks until the plan is done (or the thread is interrupted), then heals everything. */
  public static void run(Nemesis nemesis, List<FaultPlan.Step> plan) {
    long startNanos = System.nanoTime();
    try {
      for (FaultPlan.Step step : plan) {
        sleepUntil(startNanos, step.startMillis());
        if (System.nanoTime() - startNanos >= TimeUnit.MILLISECONDS.toNanos(step.healMillis())) {
          // Fell behind (restarts under load can take many seconds): this step's window has passed.
          // Skipping it keeps every fault inside the run's time instead of running past its end.
          continue;
        }
        Injection injection = nemesis.start(step);
        try {
          sleepUntil(startNanos, step.healMillis());
        } finally {
          nemesis.heal(step, injection);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      nemesis.healAll();
    }
  }

  /** Runs the plan on a daemon thread named "nemesis"; the caller waits for it with {@link Running#await}. */
  public static Running start(Nemesis nemesis, List<FaultPlan.Step> plan) {
    Running running = new Running();
    running.thread = new Thread(() -> {
      try {
        run(nemesis, plan);
      } catch (RuntimeException e) {
        running.failure.set(e);
      }
    }, "nemesis");
    running.thread.setDaemon(true);
    running.thread.start();
    return running;
  }

  /** A plan running in the background. */
  public static final class Running {
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private Thread thread;

    private Running() {}

    /** Waits at most {@code timeout} for the plan and its final heal; returns what failed, if anything. */
    public Optional<RuntimeException> await(Duration timeout) throws InterruptedException {
      thread.join(timeout.toMillis());
      if (thread.isAlive()) {
        return Optional.of(new IllegalStateException("nemesis=still-running timeout-ms=" + timeout.toMillis()));
      }
      return Optional.ofNullable(failure.get());
    }
  }

  private static void sleepUntil(long startNanos, long offsetMillis) throws InterruptedException {
    long waitNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(offsetMillis) - System.nanoTime();
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }
}
