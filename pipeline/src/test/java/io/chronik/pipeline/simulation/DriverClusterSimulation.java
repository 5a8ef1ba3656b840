package io.chronik.pipeline.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.pipeline.simulation.SwarmParams.Fault;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.CrashPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.slf4j.LoggerFactory;

/**
 * One seeded, single-threaded run of a whole cluster of production nodes: each node is a real
 * {@code RaftDriver} with {@code RaftNodeGroup}s over {@code DurableLogStorage} on its own
 * {@code SimulatedDisk} (see {@link SimNode}). An event loop over simulated time picks the next event
 * (a message delivery, a node's tick or driver loop, a client proposal, a fault, a restart), so the
 * interleaving is a function of the seed alone and any failure replays exactly.
 *
 * <p>A run is a chaos phase (faults drawn by the seed's {@link SwarmParams}) followed by a healing
 * phase (every node up, a reliable network, no proposals) that must reach quiet: one leader per group
 * and every replica committed and applied to the same index. Then the {@link ClientOracle}'s final
 * check runs; the oracle also checks invariants at every event.
 */
final class DriverClusterSimulation {
  /** Longest the healing phase may take to converge, in ticks: many election timeouts. */
  private static final int HEAL_TICKS = 1500;

  /** What a finished run measured (for the test's report). */
  record Result(long seed, long nodeEvents, long acked, long completions, long crashes, long powerCuts,
      long partitions, long messages, long simulatedTicks) {}

  private final long seed;
  private final SplittableRandom random;
  private final SwarmParams params;
  private final SimTrace trace = new SimTrace(8192);
  private final SimNetwork network;
  private final ClientOracle oracle;
  private final List<SimNode> nodes = new ArrayList<>();
  private long now;
  private long nextProposeAt;
  private long nextFaultAt;
  private long nextCookie = 1;
  private boolean chaos = true;
  private long nodeEvents;
  private long crashes;
  private long powerCuts;
  private long partitions;

  DriverClusterSimulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.params = SwarmParams.draw(random.split());
    this.network = new SimNetwork(random.split(), params.nodes(), params);
    this.oracle = new ClientOracle(params.nodes(), params.groups());
    for (int n = 0; n < params.nodes(); n++) {
      nodes.add(new SimNode(n, params, seed, oracle, trace, network, () -> now));
    }
    oracle.replicas(nodes);
  }

  SwarmParams params() {
    return params;
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
   * Runs one seed; null if it passed, else {@code seed=… t=… <invariant>: <violation>} (the invariant
   * is the violation's {@code reason}, or {@code exception:<class>} for anything else thrown). The
   * mutation harness ({@code io.chronik.raft.mutation.MutantHunt}) calls it in a JVM holding mutated
   * pipeline classes, several seeds at once on their own threads (a run shares no state).
   */
  public static String failureOf(long seed) {
    quietDriverLog();
    DriverClusterSimulation simulation = new DriverClusterSimulation(seed);
    try {
      simulation.run();
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

  SimTrace trace() {
    return trace;
  }

  long now() {
    return now;
  }

  Result run() {
    for (SimNode node : nodes) {
      node.start();
      node.nextTickAt = random.nextInt(SwarmParams.TICK);
      node.nextLoopAt = random.nextInt(10);
    }
    nextProposeAt = params.proposeGap();
    nextFaultAt = nextFaultGap();
    long chaosEnd = (long) params.chaosTicks() * SwarmParams.TICK;
    while (now < chaosEnd) {
      step();
    }
    heal();
    long healEnd = now + (long) HEAL_TICKS * SwarmParams.TICK;
    long nextQuietCheck = now + SwarmParams.TICK;
    while (true) {
      step();
      if (now >= nextQuietCheck) {
        if (quiet()) {
          break;
        }
        nextQuietCheck = now + SwarmParams.TICK;
        if (now > healEnd) {
          throw new SimViolation("seed=" + seed + " healTicks=" + HEAL_TICKS + " state=[" + describeGroups()
              + "] reason=no-convergence-after-heal");
        }
      }
    }
    oracle.finalCheck();
    return new Result(seed, nodeEvents, oracle.acked(), oracle.completions(), crashes, powerCuts, partitions,
        network.sent(), now / SwarmParams.TICK);
  }

  /** Runs the earliest pending event; ties go network, then nodes by id, then client, then faults. */
  private void step() {
    long next = network.nextAt();
    int kind = 0;
    SimNode who = null;
    for (SimNode node : nodes) {
      long t = node.up() ? Math.min(node.nextTickAt, node.nextLoopAt) : node.restartAt;
      if (t < next) {
        next = t;
        kind = 1;
        who = node;
      }
    }
    if (nextProposeAt < next) {
      next = nextProposeAt;
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
      case 2 -> propose();
      default -> fault();
    }
  }

  private void deliver(SimNetwork.InFlight m) {
    SimNode to = nodes.get(m.to());
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

  private void runNode(SimNode node) {
    nodeEvents++;
    if (!node.up()) {
      node.start();
      node.restartAt = Long.MAX_VALUE;
      node.nextTickAt = now + random.nextInt(SwarmParams.TICK);
      node.nextLoopAt = now + 1;
      return;
    }
    if (node.nextTickAt <= node.nextLoopAt) {
      node.tick();
      node.nextTickAt = now + SwarmParams.TICK;
      return;
    }
    if (!node.runOnce()) {
      crash(node, "driver-failed");
      return;
    }
    // a busy driver loops again at once; an idle one parks up to about a millisecond; a slow one rarely runs
    node.nextLoopAt = now + (node.slow ? 200 + random.nextInt(1500) : 1 + random.nextInt(12));
  }

  private void crash(SimNode node, String why) {
    crashes++;
    CrashPolicy policy = random.nextBoolean() ? CrashPolicy.loseAllUnsynced()
        : CrashPolicy.random(new Random(random.nextLong()));
    node.crash(policy, why);
    node.slow = false;
    oracle.checkAcksDurable();
    node.restartAt = chaos ? now + SwarmParams.TICK * (1 + random.nextInt(40)) : now + 1;
  }

  /** A client sends a batch to the node it believes leads the group (sometimes to any node). */
  private void propose() {
    nextProposeAt = now + 1 + random.nextInt(2 * params.proposeGap());
    if (!chaos) {
      return;
    }
    int group = random.nextInt(params.groups());
    SimNode target = random.nextInt(8) == 0 ? nodes.get(random.nextInt(nodes.size())) : believedLeader(group);
    if (target == null || !target.up()) {
      return;
    }
    int[] padding = new int[1 + random.nextInt(4)];
    for (int i = 0; i < padding.length; i++) {
      padding[i] = random.nextInt(200);
    }
    long first = nextCookie;
    nextCookie += padding.length;
    ClientBatch batch = new ClientBatch(group, first, padding, target.callback());
    boolean offered = target.offerProposal(DetachedProposal.copyOf(batch));
    trace.record(now, target.id(), "propose", "group=" + group + " cookies=" + first + ".." + (nextCookie - 1)
        + " offered=" + offered);
  }

  /** The up node whose group claims leadership in the highest term, or null. */
  private SimNode believedLeader(int group) {
    SimNode best = null;
    for (SimNode node : nodes) {
      if (node.up() && node.group(group).roleHint() == Role.LEADER
          && (best == null || node.group(group).term() > best.group(group).term())) {
        best = node;
      }
    }
    return best;
  }

  private long nextFaultGap() {
    return now + 1 + random.nextInt(2 * params.faultGap());
  }

  private void fault() {
    nextFaultAt = nextFaultGap();
    int total = 0;
    for (int w : params.weights()) {
      total += w;
    }
    int pick = random.nextInt(Math.max(1, total));
    Fault fault = Fault.RESTART;
    for (Fault f : Fault.values()) {
      pick -= params.weights()[f.ordinal()];
      if (pick < 0) {
        fault = f;
        break;
      }
    }
    SimNode victim = randomNode(true);
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
      case PARTITION -> partition();
      case ISOLATE -> isolate();
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
      default -> restartOne();
    }
  }

  private void partition() {
    partitions++;
    boolean[] side = new boolean[nodes.size()];
    side[random.nextInt(side.length)] = true;
    for (int n = 0; n < side.length; n++) {
      if (random.nextInt(3) == 0) {
        side[n] = true;
      }
    }
    network.partition(side);
    trace.record(now, -1, "partition", network.describeCut());
  }

  private void isolate() {
    partitions++;
    boolean[] side = new boolean[nodes.size()];
    side[random.nextInt(side.length)] = true;
    network.partition(side);
    trace.record(now, -1, "isolate", network.describeCut());
  }

  private void restartOne() {
    SimNode down = randomNode(false);
    if (down != null) {
      down.restartAt = now;
    }
  }

  /** A random node that is up ({@code up}) or down, or null if there is none. */
  private SimNode randomNode(boolean up) {
    List<SimNode> candidates = new ArrayList<>();
    for (SimNode node : nodes) {
      if (node.up() == up) {
        candidates.add(node);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** End of chaos: every node comes back at full speed on a reliable network; no more proposals. */
  private void heal() {
    chaos = false;
    network.becomeReliable();
    for (SimNode node : nodes) {
      node.slow = false;
      if (node.up()) {
        node.disarmPowerCut();
      } else {
        node.restartAt = now;
      }
    }
    trace.record(now, -1, "heal-all", null);
  }

  /** One leader per group that every replica follows, all committed and applied to its last index. */
  private boolean quiet() {
    for (int g = 0; g < params.groups(); g++) {
      SimNode leader = null;
      for (SimNode node : nodes) {
        if (!node.up()) {
          return false;
        }
        if (node.group(g).role() == Role.LEADER) {
          leader = node;
        }
      }
      if (leader == null) {
        return false;
      }
      long last = leader.group(g).lastIndex();
      if (oracle.committedSize(g) != last || oracle.maxAckedIndex(g) > last) {
        return false;
      }
      for (SimNode node : nodes) {
        SimGroup group = node.group(g);
        if (group.commitIndex() != last || group.appliedIndex() != last || group.term() != leader.group(g).term()) {
          return false;
        }
      }
    }
    return true;
  }

  private String describeGroups() {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < params.groups(); g++) {
      sb.append(" g").append(g).append(':');
      for (SimNode node : nodes) {
        if (!node.up()) {
          sb.append(" n").append(node.id()).append("=down");
          continue;
        }
        SimGroup group = node.group(g);
        sb.append(" n").append(node.id()).append('=').append(group.role()).append("/t").append(group.term())
            .append("/c").append(group.commitIndex()).append("/a").append(group.appliedIndex())
            .append("/l").append(group.lastIndex());
      }
    }
    return sb.toString().trim();
  }
}
