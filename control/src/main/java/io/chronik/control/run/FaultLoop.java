package io.chronik.control.run;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local-process nemesis: at seeded random intervals kills the broker with SIGKILL and restarts it
 * from its data directory, or pauses it with SIGSTOP and resumes it. Every fault is recorded as a
 * start/stop interval in the history so the report shades it. Network partitions need lab hosts
 * (network namespaces); this loop never touches the network.
 */
final class FaultLoop implements Runnable {
  /**
   * KILL and PAUSE must never lose an acknowledged write. WIPE (kill, delete the data directory,
   * restart empty) must: it exists to prove end to end that the checker reports data loss.
   */
  enum Fault { KILL, PAUSE, WIPE }

  private final LocalBroker broker;
  private final HistoryRecorder recorder;
  private final List<Fault> faults;
  private final Random random;
  private final long endNanos;
  final AtomicLong injected = new AtomicLong();
  volatile Exception failure;

  FaultLoop(LocalBroker broker, HistoryRecorder recorder, List<Fault> faults, long seed, Duration time) {
    this.broker = broker;
    this.recorder = recorder;
    this.faults = faults;
    this.random = new Random(seed); // seeded: the same seed draws the same fault schedule
    this.endNanos = System.nanoTime() + time.toNanos();
  }

  /** True when no fault kind was chosen ({@code --faults none}). */
  boolean isIdle() {
    return faults.isEmpty();
  }

  @Override
  public void run() {
    try {
      while (sleepUntilNext(1_000 + random.nextInt(3_000))) {
        Fault fault = faults.get(random.nextInt(faults.size()));
        long downMs = 500 + random.nextInt(2_000);
        switch (fault) {
          case KILL -> killAndRestart(downMs);
          case PAUSE -> pauseAndResume(downMs);
          case WIPE -> wipeAndRestart(downMs);
          default -> throw new IllegalStateException("fault=" + fault);
        }
        injected.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Waits; false once the fault phase is over (no fault starts that could outlive it). */
  private boolean sleepUntilNext(long ms) throws InterruptedException {
    long wakeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    if (wakeNanos + TimeUnit.SECONDS.toNanos(3) > endNanos) {
      return false;
    }
    TimeUnit.MILLISECONDS.sleep(ms);
    return true;
  }

  private void killAndRestart(long downMs) throws Exception {
    var start = recorder.nemesis().startFault("kill", "n1");
    long pid = broker.pid();
    broker.kill();
    start.done("killed pid " + pid);
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("kill", "n1");
    broker.start(Duration.ofSeconds(60));
    stop.done("started pid " + broker.pid());
  }

  private void wipeAndRestart(long downMs) throws Exception {
    var start = recorder.nemesis().startFault("wipe", "n1");
    broker.kill();
    broker.wipe();
    start.done("killed and wiped");
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("wipe", "n1");
    broker.start(Duration.ofSeconds(60));
    stop.done("started empty pid " + broker.pid());
  }

  private void pauseAndResume(long downMs) throws Exception {
    var start = recorder.nemesis().startFault("pause", "n1");
    broker.pause();
    start.done("paused pid " + broker.pid());
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("pause", "n1");
    broker.resume();
    stop.done("resumed pid " + broker.pid());
  }
}
