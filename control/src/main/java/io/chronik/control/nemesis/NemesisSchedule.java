package io.chronik.control.nemesis;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link FaultPlan} in real time alongside the clients: each step at its offset from the run's
 * start, then — always, even if interrupted — the final heal.
 */
public final class NemesisSchedule {
  private NemesisSchedule() {}

  /** Blocks until the plan is done (or the thread is interrupted), then heals everything. */
  public static void run(Nemesis nemesis, List<FaultPlan.Step> plan) {
    long startNanos = System.nanoTime();
    try {
      for (FaultPlan.Step step : plan) {
        long waitNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(step.atMillis()) - System.nanoTime();
        if (waitNanos > 0) {
          TimeUnit.NANOSECONDS.sleep(waitNanos);
        }
        nemesis.apply(step);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      nemesis.healAll();
    }
  }
}
