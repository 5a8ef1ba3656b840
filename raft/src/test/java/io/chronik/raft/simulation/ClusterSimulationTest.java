package io.chronik.raft.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CI seed sweep of the cluster simulator. {@code -Dsim.seed=N} replays one seed;
 * {@code -Dsim.seeds=N -Dsim.firstSeed=S} sizes the sweep (default 4,000 seeds from 1).
 */
@Tag("simulation")
class ClusterSimulationTest {

  static final String REPLAY = "mvn -q -pl raft test -Dtest=ClusterSimulationTest -Dchronik.groups=simulation -Dsim.seed=";

  @Test
  void everySeedKeepsRaftSafeAndLive() {
    String single = System.getProperty("sim.seed");
    long first = single != null ? Long.parseLong(single) : Long.getLong("sim.firstSeed", 1);
    long count = single != null ? 1 : Long.getLong("sim.seeds", 4_000);
    SweepReport report = sweep(first, count, false, single != null);
    System.out.println(report.summary());
    assertThat(report.failures).as("failing seeds (replay with: %s<seed>)", REPLAY).isEmpty();
    assertThat(report.seedsRun.get()).isEqualTo(count);
  }

  /** The one command that replays a seed with these settings. */
  static String replay(long seed, ClusterSimulation.Settings settings) {
    return REPLAY + seed + (settings.diskLoss() == DiskLoss.Rejoin.SAFE ? ""
        : " -Dsim.diskLoss=" + settings.diskLoss().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** Lines of event trace a replay prints before its failure ({@code -Dsim.traceLines=N}). */
  static final int TRACE_LINES = Integer.getInteger("sim.traceLines", 400);

  static SweepReport sweep(long first, long count, boolean progress) {
    return sweep(first, count, progress, false);
  }

  static SweepReport sweep(long first, long count, boolean progress, boolean traced) {
    return sweep(first, count, progress, traced, ClusterSimulation.Settings.ci());
  }

  static SweepReport sweep(long first, long count, boolean progress, boolean traced, ClusterSimulation.Settings settings) {
    SweepReport report = new SweepReport();
    long started = System.nanoTime();
    LongStream.range(first, first + count).parallel().forEach(seed -> {
      try {
        ClusterSimulation.Result r = new ClusterSimulation(seed, traced ? settings.traced(TRACE_LINES) : settings).run();
        report.add(r);
      } catch (AssertionError | RuntimeException e) {
        synchronized (report.failures) {
          report.failures.add(seed + ": " + e.getMessage());
        }
        System.out.println("FAILED seed=" + seed + " " + e + "\n  replay: " + replay(seed, settings));
        if (!(e instanceof AssertionError)) {
          e.printStackTrace(System.out);
        }
      }
      long done = report.seedsRun.incrementAndGet();
      if (progress && done % 1000 == 0) {
        System.out.printf("progress seeds=%d failures=%d elapsedS=%d%n", done, report.failures.size(),
            (System.nanoTime() - started) / 1_000_000_000L);
      }
    });
    report.wallNanos = System.nanoTime() - started;
    return report;
  }

  static final class SweepReport {
    final List<String> failures = new ArrayList<>();
    final AtomicLong seedsRun = new AtomicLong();
    final AtomicLong events = new AtomicLong();
    final AtomicLong nodeEvents = new AtomicLong();
    final AtomicLong simulatedMs = new AtomicLong();
    final AtomicLong faultMs = new AtomicLong();
    final AtomicLong elections = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong reads = new AtomicLong();
    final AtomicLong leaderChanges = new AtomicLong();
    final AtomicLong diskLossSeeds = new AtomicLong();
    final AtomicLong diskLosses = new AtomicLong();
    final AtomicLong disksReplaced = new AtomicLong();
    long wallNanos;

    void add(ClusterSimulation.Result r) {
      events.addAndGet(r.events());
      nodeEvents.addAndGet(r.nodeEvents());
      simulatedMs.addAndGet(r.simulatedMs());
      faultMs.addAndGet(r.faultPhaseMs());
      elections.addAndGet(r.elections());
      writes.addAndGet(r.writesAcked());
      reads.addAndGet(r.readsChecked());
      leaderChanges.addAndGet(r.leaderChanges());
      diskLosses.addAndGet(r.diskLosses());
      diskLossSeeds.addAndGet(r.diskLosses() > 0 ? 1 : 0);
      disksReplaced.addAndGet(r.disksReplaced());
    }

    String summary() {
      double wallS = wallNanos / 1e9;
      double simMin = simulatedMs.get() / 60_000.0;
      return String.format("simulation seeds=%d failures=%d wallS=%.1f seedsPerMin=%.0f events=%d eventsPerS=%.0f "
              + "nodeEvents=%d nodeEventsPerS=%.0f simulatedMin=%.1f "
              + "electionsPerSimMin=%.1f electionsPerFaultMinUpperBound=%.1f leaderChangesPerSimMin=%.1f "
              + "writesAcked=%d readsChecked=%d diskLossSeeds=%d diskLosses=%d disksReplaced=%d",
          seedsRun.get(), failures.size(), wallS, seedsRun.get() / wallS * 60, events.get(), events.get() / wallS,
          nodeEvents.get(), nodeEvents.get() / wallS, simMin,
          elections.get() / simMin, elections.get() / (faultMs.get() / 60_000.0), leaderChanges.get() / simMin,
          writes.get(), reads.get(), diskLossSeeds.get(), diskLosses.get(), disksReplaced.get());
    }
  }
}
