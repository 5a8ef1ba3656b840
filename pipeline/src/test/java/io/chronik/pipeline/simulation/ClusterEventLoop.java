package io.chronik.pipeline.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.raft.storage.CrashPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * The event loop both production-path simulations share: simulated time, one seeded
 * {@link SplittableRandom}, the {@link SimNetwork}, the nodes' ticks, driver loops and restarts, the
 * seed's {@link Fault} mix, and the two phases of a run. Each step runs the earliest pending event (a
 * message delivery, a node's tick, driver loop or restart, a client step, a fault), so a run is a
 * function of the seed alone and any failure replays exactly.
 *
 * <p>{@link #runPhases} is a chaos phase (faults drawn by the seed's {@link ClusterSwarm}) followed by
 * a healing phase (every node up, a reliable network, clients only finishing) that must reach
 * {@link #quiet()}. A subclass adds its clients, its oracle's hooks and its final check.
 *
 * @param <N> the simulation's node process
 * @param <S> the simulation's swarm
 */
public abstract class ClusterEventLoop<N extends SimProcess, S extends ClusterSwarm> {
  protected final long seed;
  protected final SplittableRandom random;
  protected final S swarm;
  /** How often a heal deadline may move on while the cluster still applies entries ({@link #progress}). */
  static final int HEAL_EXTENSIONS_MAX = 4;
  protected final SimTrace trace = new SimTrace(Integer.getInteger("sim.traceCapacity", 8192));
  protected final SimNetwork network;
  protected final List<N> nodes = new ArrayList<>();
  private final int healTicks;
  protected long now;
  protected boolean chaos = true;
  private long nextClientAt;
  private long nextFaultAt;
  protected long nodeEvents;
  protected long crashes;
  protected long powerCuts;
  protected long partitions;
  protected long fullRestarts;
  protected long bitFlips;
  /** Bit flips draw from a stream of their own, so seeds that draw none replay as before they existed. */
  private final SplittableRandom flipRandom;
  /** Share (percent) of this seed's fault events that are {@link Fault#BIT_FLIP}: 0 on two thirds of the seeds. */
  private final int bitFlipPercent;

  /** The seed's swarm is drawn from the first split of its random, the network from the second. */
  protected ClusterEventLoop(long seed, Function<SplittableRandom, S> drawSwarm, int healTicks) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.swarm = drawSwarm.apply(random.split());
    this.healTicks = healTicks;
    this.network = new SimNetwork(random.split(), swarm.nodes(), swarm.wire());
    this.flipRandom = new SplittableRandom(seed ^ 0x5EEDB17F11L);
    this.bitFlipPercent = flipRandom.nextInt(3) == 0 ? 5 + flipRandom.nextInt(20) : 0;
  }

  /** A client step: producers retry or send, clients propose (new work only while {@link #chaos}). */
  protected abstract void clientStep();

  /** Every replica settled: one leader all follow, all committed and applied, every client answered. */
  protected abstract boolean quiet();

  /** Every node's state, for the no-convergence failure. */
  protected abstract String describe();

  /**
   * Entries applied, summed over every node and group: while it grows a healed cluster is still converging (a
   * follower catching up a backlog one entry per append), and the heal deadline moves on by another
   * {@code healTicks}, at most {@link #HEAL_EXTENSIONS_MAX} times. A cluster that stalls (no leader, a node
   * no leader ever serves, elections going round) applies nothing more and fails at the first deadline.
   */
  protected abstract long progress();

  /** Called after every crash (the disk already holds only what survived). */
  protected void crashed(N node) {}

  /** Called after every driver loop that did not stop. */
  protected void looped(N node) {}

  /**
   * Called at every fault event before its fault is drawn, e.g. to start a leadership transfer beside
   * it; an override that draws must use its own random stream, so a seed's faults stay what they were.
   */
  protected void faultEvent() {}

  /** The node runs a loop at once (a task or message offered to a parked driver wakes it). */
  protected final void wake(N node) {
    node.nextLoopAt = Math.min(node.nextLoopAt, now + 1);
  }

  public S swarm() {
    return swarm;
  }

  public SimTrace trace() {
    return trace;
  }

  public long now() {
    return now;
  }

  /**
   * Power cuts make drivers log their storage failure with a stack trace: expected in a hunt. Once,
   * under a lock: seeds running at once on other threads would otherwise see SLF4J still initialising
   * (and get a substitute logger).
   */
  private static synchronized void quietDriverLog() {
    if (LoggerFactory.getLogger(RaftDriver.class) instanceof Logger logger && logger.getLevel() != Level.OFF) {
      logger.setLevel(Level.OFF);
    }
  }

  /**
   * Runs a simulation's seed; null if it passed, else {@code seed=… t=… <invariant>: <violation>} (the
   * invariant is the violation's {@code reason}, or {@code exception:<class>} for anything else thrown).
   * The mutation harness ({@code io.chronik.raft.mutation.MutantHunt}) calls a simulation's
   * {@code failureOf(seed)}, which comes here, several seeds at once on their own threads.
   */
  public static String failureOf(long seed, ClusterEventLoop<?, ?> simulation, Runnable run) {
    quietDriverLog();
    try {
      run.run();
      return null;
    } catch (SimViolation e) {
      String message = String.valueOf(e.getMessage());
      int at = message.indexOf("reason=");
      String reason = at < 0 ? "violation" : message.substring(at + 7).split(" ", 2)[0];
      return "seed=" + seed + " t=" + simulation.now() + " " + reason + ": " + message;
    } catch (RuntimeException | Error e) {
      return "seed=" + seed + " t=" + simulation.now() + " exception:" + e.getClass().getSimpleName() + ": " + e;
    }
  }

  /** Chaos, then heal until {@link #quiet()} (or fail with {@code no-convergence-after-heal}). */
  protected final void runPhases() {
    for (N node : nodes) {
      node.start();
      node.nextTickAt = random.nextInt(SwarmBasics.TICK);
      node.nextLoopAt = random.nextInt(10);
    }
    nextClientAt = swarm.clientGap();
    nextFaultAt = nextFaultGap();
    long chaosEnd = (long) swarm.chaosTicks() * SwarmBasics.TICK;
    while (now < chaosEnd) {
      step();
    }
    heal();
    long healWindow = (long) healTicks * SwarmBasics.TICK;
    long healEnd = now + healWindow;
    long progressAtWindowStart = progress();
    int extensions = 0;
    long nextQuietCheck = now + SwarmBasics.TICK;
    while (true) {
      step();
      if (now >= nextQuietCheck) {
        if (quiet()) {
          return;
        }
        nextQuietCheck = now + SwarmBasics.TICK;
        if (now > healEnd) {
          long progress = progress();
          if (progress <= progressAtWindowStart || extensions == HEAL_EXTENSIONS_MAX) {
            throw new SimViolation("seed=" + seed + " healTicks=" + healTicks + " extensions=" + extensions
                + " state=[" + describe() + "] reason=no-convergence-after-heal");
          }
          extensions++;
          progressAtWindowStart = progress;
          healEnd = now + healWindow;
        }
      }
    }
  }

  /** Runs the earliest pending event; ties go network, then nodes by id, then clients, then faults. */
  private void step() {
    long next = network.nextAt();
    int kind = 0;
    N who = null;
    for (N node : nodes) {
      long t = node.up() ? Math.min(node.nextTickAt, node.nextLoopAt) : node.restartAt;
      if (t < next) {
        next = t;
        kind = 1;
        who = node;
      }
    }
    if (nextClientAt < next) {
      next = nextClientAt;
      kind = 2;
    }
    if (chaos && nextFaultAt < next) {
      next = nextFaultAt;
      kind = 3;
    }
    now = next;
    switch (kind) {
      case 0 -> deliver(network.poll());
      case 1 -> runNode(who);
      case 2 -> {
        nextClientAt = now + 1 + random.nextInt(2 * swarm.clientGap());
        clientStep();
      }
      default -> fault();
    }
  }

  private void deliver(SimNetwork.InFlight m) {
    N to = nodes.get(m.to());
    String fate;
    if (!network.connected(m.from(), m.to())) {
      fate = "drop-partitioned";
    } else if (!to.up()) {
      fate = "drop-node-down";
    } else if (!to.offerInbound(m.message())) {
      fate = "drop-inbound-full";
    } else {
      fate = "deliver";
      nodeEvents++;
      if (!to.slow) {
        to.nextLoopAt = Math.min(to.nextLoopAt, now + 1); // offerInbound wakes a parked driver
      }
    }
    trace.record(now, m.to(), fate, m.message());
  }

  private void runNode(N node) {
    nodeEvents++;
    if (!node.up()) {
      node.start();
      node.restartAt = Long.MAX_VALUE;
      node.nextTickAt = now + random.nextInt(SwarmBasics.TICK);
      node.nextLoopAt = now + 1;
      return;
    }
    if (node.nextTickAt <= node.nextLoopAt) {
      node.tick();
      node.nextTickAt = now + SwarmBasics.TICK;
      return;
    }
    if (!node.runOnce()) {
      crash(node, "driver-failed");
      return;
    }
    looped(node);
    // a busy driver loops again at once; an idle one parks up to about a millisecond; a slow one rarely runs
    node.nextLoopAt = now + (node.slow ? 200 + random.nextInt(1500) : 1 + random.nextInt(12));
  }

  private void crash(N node, String why) {
    crashes++;
    CrashPolicy policy = random.nextBoolean() ? CrashPolicy.loseAllUnsynced()
        : CrashPolicy.random(new Random(random.nextLong()));
    node.crash(policy, why);
    node.slow = false;
    crashed(node);
    node.restartAt = chaos ? now + SwarmBasics.TICK * (1 + random.nextInt(40)) : now + 1;
  }

  private long nextFaultGap() {
    return now + 1 + random.nextInt(2 * swarm.faultGap());
  }

  private void fault() {
    nextFaultAt = nextFaultGap();
    faultEvent();
    if (bitFlipPercent > 0 && flipRandom.nextInt(100) < bitFlipPercent) {
      flipBit();
      return;
    }
    Fault fault = pickFault();
    N victim = randomNode(true);
    switch (fault) {
      case CRASH -> {
        if (victim != null) {
          crash(victim, "fault=crash");
        }
      }
      case POWER_CUT -> {
        if (victim != null) {
          powerCuts++;
          victim.cutPowerAfter(random.nextInt(40));
        }
      }
      case PARTITION, ISOLATE -> partition(fault == Fault.ISOLATE);
      case HEAL -> {
        network.heal();
        trace.record(now, -1, "heal", null);
      }
      case SLOW_NODE -> {
        if (victim != null) {
          victim.slow = !victim.slow;
          trace.record(now, victim.id(), "slow", victim.slow);
        }
      }
      case FULL_RESTART -> fullRestart();
      default -> {
        N down = randomNode(false);
        if (down != null) {
          down.restartAt = now;
        }
      }
    }
  }

  private Fault pickFault() {
    int[] weights = swarm.weights();
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int pick = random.nextInt(Math.max(1, total));
    for (int f = 0; f < weights.length; f++) {
      pick -= weights[f];
      if (pick < 0) {
        return Fault.values()[f];
      }
    }
    return Fault.RESTART;
  }

  /** A random split (or one node cut off from the rest). */
  private void partition(boolean isolate) {
    partitions++;
    boolean[] side = new boolean[nodes.size()];
    side[random.nextInt(side.length)] = true;
    for (int n = 0; n < side.length && !isolate; n++) {
      if (random.nextInt(3) == 0) {
        side[n] = true;
      }
    }
    network.partition(side);
    trace.record(now, -1, isolate ? "isolate" : "partition", network.describeCut());
  }

  /** Every node goes down at once (each losing what its disk had not synced) and comes back later. */
  private void fullRestart() {
    fullRestarts++;
    trace.record(now, -1, "full-restart", null);
    for (N node : nodes) {
      if (node.up()) {
        crash(node, "fault=full-restart");
      }
    }
  }

  /**
   * {@link Fault#BIT_FLIP}: an up node loses power and one bit of a closed segment flips before it
   * restarts. Damage to one replica at a time, as the control node's {@code corrupt} fault: while one is
   * below its repair floor another's damage could destroy the last copy of a committed entry, and no
   * protocol survives that (the group then stays leaderless, safely: no node below its floor campaigns).
   */
  private void flipBit() {
    List<N> up = new ArrayList<>();
    for (N node : nodes) {
      if (node.repairing()) {
        return;
      }
      if (node.up()) {
        up.add(node);
      }
    }
    if (up.isEmpty()) {
      return;
    }
    N victim = up.get(flipRandom.nextInt(up.size()));
    crash(victim, "fault=bit-flip");
    String flipped = victim.flipBitInClosedSegment(flipRandom);
    trace.record(now, victim.id(), "bit-flip", flipped == null ? "none: no closed segment yet" : flipped);
    if (flipped != null) {
      bitFlips++;
      victim.damaged();
      crashed(victim);
    }
  }

  /** A random node that is up ({@code up}) or down, or null if there is none. */
  protected final N randomNode(boolean up) {
    List<N> candidates = new ArrayList<>();
    for (N node : nodes) {
      if (node.up() == up) {
        candidates.add(node);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** End of chaos: every node comes back at full speed on a reliable network. */
  private void heal() {
    chaos = false;
    network.becomeReliable();
    for (N node : nodes) {
      node.slow = false;
      if (node.up()) {
        node.disarmPowerCut();
      } else {
        node.restartAt = now;
      }
    }
    trace.record(now, -1, "heal-all", null);
  }
}
