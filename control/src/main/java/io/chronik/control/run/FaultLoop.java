package io.chronik.control.run;

import io.chronik.verifier.recorder.HistoryRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local-process nemesis: at seeded random intervals picks one node of the local cluster and kills it
 * with SIGKILL and restarts it from its data directory, or pauses it with SIGSTOP and resumes it. Every fault is recorded as a
 * start/stop interval in the history so the report shades it. Network partitions need lab hosts
 * (network namespaces); this loop never touches the network.
 */
final class FaultLoop implements Runnable {
  /**
   * KILL and PAUSE must never lose an acknowledged write. WIPE (kill, delete the data directory,
   * restart empty) must on a one-node cluster: it exists to prove end to end that the checker reports
   * data loss (on a replicated cluster the other replicas re-replicate to the wiped node).
   */
  enum Fault { KILL, PAUSE, WIPE }

  private final List<LocalBroker> brokers;
  private LocalBroker broker;
  private String node;
  private final HistoryRecorder recorder;
  private final List<Fault> faults;
  private final Random random;
  private final long endNanos;
  final AtomicLong injected = new AtomicLong();
  volatile Exception failure;

  FaultLoop(List<LocalBroker> brokers, HistoryRecorder recorder, List<Fault> faults, long seed, Duration time) {
    this.brokers = List.copyOf(brokers);
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
        int target = random.nextInt(brokers.size());
        broker = brokers.get(target);
        node = "n" + (target + 1);
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
    var start = recorder.nemesis().startFault("kill", node);
    long pid = broker.pid();
    broker.kill();
    start.done("killed pid " + pid);
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("kill", node);
    broker.start(Duration.ofSeconds(60));
    stop.done("started pid " + broker.pid());
  }

  private void wipeAndRestart(long downMs) throws Exception {
    var start = recorder.nemesis().startFault("wipe", node);
    broker.kill();
    broker.wipe();
    start.done("killed and wiped");
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("wipe", node);
    broker.start(Duration.ofSeconds(60));
    stop.done("started empty pid " + broker.pid());
  }

  private void pauseAndResume(long downMs) throws Exception {
    var start = recorder.nemesis().startFault("pause", node);
    broker.pause();
    start.done("paused pid " + broker.pid());
    TimeUnit.MILLISECONDS.sleep(downMs);
    var stop = recorder.nemesis().stopFault("pause", node);
    broker.resume();
    stop.done("resumed pid " + broker.pid());
  }
}
