package io.chronik.control.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link FaultPlan} in real time alongside the clients: each fault put in place and healed
 * at its offsets from the run's start (a step whose window has already passed is skipped; steps may
 * overlap), then —
 * always, even if interrupted — the final heal.
 */
public final class NemesisSchedule {
  private NemesisSchedule() {}

  /**
   * Blocks until the plan is done (or the thread is interrupted), then heals everything. Steps may
   * overlap (a scenario's second kill while the first node is still down): starts and heals run in
   * time order, a heal before a start at the same instant.
   */
  public static void run(Nemesis nemesis, List<FaultPlan.Step> plan) {
    List<Event> events = timeline(plan);
    Map<FaultPlan.Step, Injection> started = new IdentityHashMap<>();
    long startNanos = System.nanoTime();
    try {
      for (Event event : events) {
        sleepUntil(startNanos, event.atMillis());
        FaultPlan.Step step = event.step();
        if (event.heal()) {
          Injection injection = started.remove(step);
          if (injection != null) {
            nemesis.heal(step, injection);
          }
        } else if (System.nanoTime() - startNanos < TimeUnit.MILLISECONDS.toNanos(step.healMillis())) {
          started.put(step, nemesis.start(step));
        }
        // else: fell behind (restarts under load can take many seconds) and this step's window has
        // passed; skipping it keeps every fault inside the run's time instead of running past its end.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      started.forEach((step, injection) -> nemesis.heal(step, injection));
      nemesis.healAll();
    }
  }

  private record Event(long atMillis, boolean heal, FaultPlan.Step step) {}

  private static List<Event> timeline(List<FaultPlan.Step> plan) {
    List<Event> events = new ArrayList<>();
    for (FaultPlan.Step step : plan) {
      events.add(new Event(step.startMillis(), false, step));
      events.add(new Event(step.healMillis(), true, step));
    }
    events.sort(Comparator.comparingLong(Event::atMillis).thenComparing(e -> !e.heal()));
    return events;
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
