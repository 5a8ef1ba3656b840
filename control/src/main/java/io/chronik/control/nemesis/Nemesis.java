package io.chronik.control.nemesis;

import io.chronik.control.db.DbLifecycle;
import io.chronik.control.host.Host;
import io.chronik.control.ssh.SshHosts;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link FaultPlan} steps to real hosts over SSH and records each as an invoke/info pair.
 * A fault that fails to apply is recorded with its error and the run goes on (Jepsen does the same:
 * a nemesis failure is information, not a verdict). {@link #healAll} is the final heal: no
 * partition, no shaping, nothing paused, every server running.
 */
public final class Nemesis {
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);
  private static final int TRUNCATE_BYTES_MAX = 4096;

  private final SshHosts ssh;
  private final DbLifecycle db;
  private final List<Host> hosts;
  private final NemesisRecorder recorder;
  private final Random random;
  private final Optional<Function<List<String>, String>> leaderOf;
  private final LongSupplier nanoClock;
  private final Partitioner partitioner;
  private final PacketShaper shaper;
  private final Corruption corruption;

  public Nemesis(SshHosts ssh, DbLifecycle db, List<Host> hosts, NemesisRecorder recorder, long seed,
      Optional<Function<List<String>, String>> leaderOf, LongSupplier nanoClock) {
    this.ssh = ssh;
    this.db = db;
    this.hosts = List.copyOf(hosts);
    this.recorder = recorder;
    this.random = new Random(seed);
    this.leaderOf = leaderOf;
    this.nanoClock = nanoClock;
    this.partitioner = new Partitioner(ssh, hosts);
    this.shaper = new PacketShaper(ssh);
    this.corruption = new Corruption(ssh);
  }

  public Partitioner partitioner() {
    return partitioner;
  }

  /** Applies one step; returns what was done (also recorded). */
  public String apply(FaultPlan.Step step) {
    String f = (step.start() ? "start-" : "stop-") + step.kind().cliName();
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "invoke", f, describe(step)));
    String result;
    try {
      result = step.start() ? start(step) : stop(step);
    } catch (RuntimeException e) {
      LOG.warn("nemesis f={} reason=failed error={}", f, e.getMessage());
      result = "error=" + e.getMessage();
    }
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "info", f, result));
    return result;
  }

  private String start(FaultPlan.Step step) {
    List<String> nodes = step.nodes();
    switch (step.kind()) {
      case PARTITION -> {
        Grudge grudge = grudge(step.shape(), nodes);
        partitioner.partition(grudge);
        return grudge.drops().toString();
      }
      case KILL -> {
        nodes.forEach(n -> db.kill(host(n)));
        return "killed=" + nodes;
      }
      case PAUSE -> {
        nodes.forEach(n -> db.pause(host(n)));
        return "paused=" + nodes;
      }
      case CORRUPT -> {
        Host h = host(nodes.get(0));
        db.kill(h);
        String dataDir = db.dataDir(h);
        return h.name() + " " + (random.nextBoolean()
            ? corruption.truncateTail(h, dataDir, random, TRUNCATE_BYTES_MAX)
            : corruption.flipByte(h, dataDir, random));
      }
      case DELAY -> {
        for (Host h : hosts) {
          for (Host peer : hosts) {
            if (peer != h) {
              shaper.shape(h, peer, 50, 20, 1.0);
              break;
            }
          }
        }
        return "netem delay=50ms jitter=20ms loss=1%";
      }
      case ROLLING_RESTART -> {
        for (String n : nodes) {
          Host h = host(n);
          db.stop(h);
          db.start(h);
        }
        return "restarted=" + nodes;
      }
      default -> throw new IllegalStateException("fault=" + step.kind());
    }
  }

  private String stop(FaultPlan.Step step) {
    switch (step.kind()) {
      case PARTITION -> partitioner.heal();
      case KILL, CORRUPT -> step.nodes().forEach(n -> db.start(host(n)));
      case PAUSE -> step.nodes().forEach(n -> db.resume(host(n)));
      case DELAY -> clearShaping();
      case ROLLING_RESTART -> { }
      default -> throw new IllegalStateException("fault=" + step.kind());
    }
    return "healed " + step.kind().cliName() + " " + step.nodes();
  }

  /** Final heal: every partition, shaping, pause and kill undone, whatever the plan left behind. */
  public void healAll() {
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "invoke", "heal-all", ""));
    partitioner.heal();
    clearShaping();
    for (Host h : hosts) {
      db.resume(h);
      db.start(h);
    }
    recorder.record(new NemesisEvent(nanoClock.getAsLong(), "info", "heal-all", "healed"));
  }

  Grudge grudge(String shape, List<String> nodes) {
    return switch (shape) {
      case "isolate-one" -> Grudge.isolate(nodes, nodes.get(0));
      case "halves" -> Grudge.halves(nodes);
      case "majorities-ring" -> Grudge.majoritiesRing(nodes);
      case "bridge" -> Grudge.bridge(nodes);
      case "isolate-leader" -> Grudge.isolateLeader(nodes, leaderOf.orElseThrow(
          () -> new IllegalStateException("shape=isolate-leader reason=no-leader-function")));
      default -> throw new IllegalArgumentException("shape=" + shape + " reason=unknown");
    };
  }

  private void clearShaping() {
    for (Host h : hosts) {
      for (Host peer : hosts) {
        if (peer != h) {
          shaper.clear(h, peer);
          break;
        }
      }
    }
  }

  private Host host(String name) {
    return ssh.inventory().host(name);
  }

  private static String describe(FaultPlan.Step step) {
    return step.shape().isEmpty() ? step.nodes().toString() : step.shape() + " " + step.nodes();
  }
}
