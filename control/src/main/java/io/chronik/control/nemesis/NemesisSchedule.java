package io.chronik.control.nemesis;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link FaultPlan} in real time alongside the clients: each fault put in place and healed
 * at its offsets from the run's start, then — always, even if interrupted — the final heal.
 */
public final class NemesisSchedule {
  private NemesisSchedule() {}

  /** Blocks until the plan is done (or the thread is interrupted), then heals everything. */
  public static void run(Nemesis nemesis, List<FaultPlan.Step> plan) {
    long startNanos = System.nanoTime();
    try {
      for (FaultPlan.Step step : plan) {
        sleepUntil(startNanos, step.startMillis());
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

  private static void sleepUntil(long startNanos, long offsetMillis) throws InterruptedException {
    long waitNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(offsetMillis) - System.nanoTime();
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }
}
