package io.chronik.broker.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.chronik.broker.simulation.BrokerSwarm.Fault;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.CrashPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.slf4j.LoggerFactory;

/**
 * One seeded, single-threaded run of a cluster of broker processes, each hosting a replica of one
 * partition as a real {@code PartitionGroup} under a real {@code RaftDriver} on its own simulated
 * disk ({@link SimBroker}), written to by idempotent producers ({@link SimProducer}) that retry every
 * batch whose outcome they did not learn. An event loop over simulated time picks the next event (a
 * Raft message delivery, a node's tick, driver loop or restart, a producer step, a fault), so a run
 * is a function of the seed and any failure replays exactly.
 *
 * <p>A chaos phase (faults drawn by the seed's {@link BrokerSwarm}: crashes losing unsynced writes,
 * power cuts mid-loop, partitions, slow nodes, whole-cluster restarts, lost produce answers) is
 * followed by a healing phase (all nodes up, a reliable network, no new batches) in which every
 * producer's last batch must settle and every replica catch up; then the {@link ProduceOracle}'s
 * final check runs. The oracle checks its invariants at every event.
 */
final class BrokerSimulation {
  private static final int HEAL_TICKS = 3000;
  /** Every this many driver loops one replica's read index is read back whole (a committed read). */
  private static final int READ_CHECK_LOOPS = 64;

  /** What a finished run measured (for the test's report). */
  record Result(long seed, long nodeEvents, long acked, long duplicates, long retries, long crashes,
      long fullRestarts, long snapshots, long simulatedTicks, long transfers, long heldDuringTransfers) {}

  /** An attempt's producer and batch, by cookie. */
  private record Attempt(SimProducer producer, int firstSeq) {}

  private final long seed;
  private final SplittableRandom random;
  private final BrokerSwarm swarm;
  private final BrokerTrace trace = new BrokerTrace(8192);
  private final BrokerWire wire;
  private final ProduceOracle oracle;
  private final List<SimBroker> nodes = new ArrayList<>();
  private final List<SimProducer> producers = new ArrayList<>();
  private final Map<Long, Attempt> attempts = new HashMap<>();
  private long now;
  private long nextClientAt;
  private long nextFaultAt;
  private long nextCookie = 1;
  private boolean chaos = true;
  private long nodeEvents;
  private long loops;
  private long retries;
  private long crashes;
  private long fullRestarts;
  private long snapshots;
  /**
   * Leadership transfers (a graceful stop's hand-off, the balancer's) draw from their own stream, so a
   * seed's other faults and tunables stay what they were before transfers were added.
   */
  private final SplittableRandom transferRandom;
  /** Share of fault events that also start a transfer from the current leader; 0 for a third of the seeds. */
  private final double transferShare;

  BrokerSimulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.swarm = BrokerSwarm.draw(random.split());
    this.transferRandom = new SplittableRandom(seed ^ 0x7f4a7c15L);
    this.transferShare = transferRandom.nextInt(3) == 0 ? 0 : 0.2 + 0.6 * transferRandom.nextDouble();
    this.wire = new BrokerWire(random.split(), swarm.nodes(), swarm);
    this.oracle = new ProduceOracle(swarm.nodes());
    for (int n = 0; n < swarm.nodes(); n++) {
      int id = n;
      nodes.add(new SimBroker(n, swarm, seed, oracle, trace, wire, () -> now,
          (cookie, group, status, logIndex, originalOffset, refusal) ->
              answered(id, cookie, status, logIndex, originalOffset, refusal)));
    }
    for (int p = 0; p < swarm.producers(); p++) {
      producers.add(new SimProducer(1000 + p, (short) 0));
    }
  }

  BrokerSwarm swarm() {
    return swarm;
  }

  BrokerTrace trace() {
    return trace;
  }

  long now() {
    return now;
  }

  /**
   * Power cuts make drivers log their storage failure with a stack trace: expected in a hunt. Once, under
   * a lock: seeds running at once on other threads would otherwise see SLF4J still initialising.
   */
  private static synchronized void quietDriverLog() {
    if (LoggerFactory.getLogger(RaftDriver.class) instanceof Logger logger && logger.getLevel() != Level.OFF) {
      logger.setLevel(Level.OFF);
    }
  }

  /**
   * Runs one seed; null if it passed, else {@code seed=… t=… <invariant>: <violation>}. The mutation
   * harness ({@code io.chronik.raft.mutation.MutantHunt}) calls it in a JVM holding mutated broker
   * classes, several seeds at once on their own threads (a run shares no state).
   */
  public static String failureOf(long seed) {
    quietDriverLog();
    BrokerSimulation simulation = new BrokerSimulation(seed);
    try {
      simulation.run();
      return null;
    } catch (BrokerViolation e) {
      String message = String.valueOf(e.getMessage());
      int at = message.indexOf("reason=");
      String reason = at < 0 ? "violation" : message.substring(at + 7).split(" ", 2)[0];
      return "seed=" + seed + " t=" + simulation.now + " " + reason + ": " + message;
    } catch (RuntimeException | Error e) {
      return "seed=" + seed + " t=" + simulation.now + " exception:" + e.getClass().getSimpleName() + ": " + e;
    }
  }

  Result run() {
    for (SimBroker node : nodes) {
      node.start();
      node.nextTickAt = random.nextInt(BrokerSwarm.TICK);
      node.nextLoopAt = random.nextInt(10);
    }
    nextClientAt = swarm.sendGap();
    nextFaultAt = nextFaultGap();
    long chaosEnd = (long) swarm.chaosTicks() * BrokerSwarm.TICK;
    while (now < chaosEnd) {
      step();
    }
    heal();
    long healEnd = now + (long) HEAL_TICKS * BrokerSwarm.TICK;
    long nextQuietCheck = now + BrokerSwarm.TICK;
    while (true) {
      step();
      if (now >= nextQuietCheck) {
        if (quiet()) {
          break;
        }
        nextQuietCheck = now + BrokerSwarm.TICK;
        if (now > healEnd) {
          throw new BrokerViolation("seed=" + seed + " healTicks=" + HEAL_TICKS + " state=[" + describe()
              + "] reason=no-convergence-after-heal");
        }
      }
    }
    oracle.finalCheck(nodes);
    long held = 0;
    long transfers = 0;
    for (SimBroker node : nodes) {
      snapshots += node.partition().snapshotsTaken();
      held += node.heldDuringTransfers();
      transfers += node.transfersStarted();
    }
    return new Result(seed, nodeEvents, oracle.acked(), oracle.duplicates(), retries, crashes, fullRestarts,
        snapshots, now / BrokerSwarm.TICK, transfers, held);
  }

  /** Runs the earliest pending event; ties go network, then nodes by id, then producers, then faults. */
  private void step() {
    long next = wire.nextAt();
    int kind = 0;
    SimBroker who = null;
    for (SimBroker node : nodes) {
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
      case 0 -> deliver(wire.poll());
      case 1 -> runNode(who);
      case 2 -> clientStep();
      default -> fault();
    }
  }

  private void deliver(BrokerWire.InFlight m) {
    SimBroker to = nodes.get(m.to());
    String fate;
    if (!wire.connected(m.from(), m.to())) {
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

  private void runNode(SimBroker node) {
    nodeEvents++;
    if (!node.up()) {
      node.start();
      node.restartAt = Long.MAX_VALUE;
      node.nextTickAt = now + random.nextInt(BrokerSwarm.TICK);
      node.nextLoopAt = now + 1;
      return;
    }
    if (node.nextTickAt <= node.nextLoopAt) {
      node.tick();
      node.nextTickAt = now + BrokerSwarm.TICK;
      return;
    }
    if (!node.runOnce()) {
      crash(node, "driver-failed");
      return;
    }
    if (++loops % READ_CHECK_LOOPS == 0) {
      oracle.checkReads(node.id(), node.partition());
    }
    node.nextLoopAt = now + (node.slow ? 200 + random.nextInt(1500) : 1 + random.nextInt(12));
  }

  private void crash(SimBroker node, String why) {
    crashes++;
    CrashPolicy policy = random.nextBoolean() ? CrashPolicy.loseAllUnsynced()
        : CrashPolicy.random(new Random(random.nextLong()));
    node.crash(policy, why);
    node.slow = false;
    node.restartAt = chaos ? now + BrokerSwarm.TICK * (1 + random.nextInt(40)) : now + 1;
  }

  /** Producers whose retry is due resend; during chaos one producer with nothing in flight sends a new batch. */
  private void clientStep() {
    nextClientAt = now + 1 + random.nextInt(2 * swarm.sendGap());
    for (SimProducer producer : producers) {
      if (producer.due(now)) {
        retries++;
        send(producer);
      }
    }
    SimProducer producer = producers.get(random.nextInt(producers.size()));
    if (chaos && producer.idle()) {
      producer.newBatch(1 + random.nextInt(3), now);
      send(producer);
    }
  }

  private void send(SimProducer producer) {
    long timeout = (long) swarm.requestTimeoutTicks() * BrokerSwarm.TICK;
    SimBroker target = random.nextInt(8) == 0 ? nodes.get(random.nextInt(nodes.size())) : believedLeader();
    long cookie = nextCookie++;
    java.nio.ByteBuffer batch = producer.send(now, timeout);
    boolean offered = false;
    if (target != null && target.up()) {
      attempts.put(cookie, new Attempt(producer, producer.pendingSeq()));
      offered = target.offerProposal(DetachedProposal.copyOf(new ProduceRequest(cookie, batch, target.callback())));
    }
    if (!offered) {
      // no leader known, or its queue is full: the client backs off and tries again
      attempts.remove(cookie);
      producer.heard(producer.pendingSeq(), false, now + BrokerSwarm.TICK * (1 + random.nextInt(5)));
    }
    trace.record(now, target == null ? -1 : target.id(), "produce", "producer=" + producer.producerId() + " seq="
        + producer.pendingSeq() + " attempt=" + producer.attempts() + " cookie=" + cookie + " offered=" + offered);
  }

  /** A completion from a node's real CompletionRegistry (inline, on its driver loop). */
  private void answered(int node, long cookie, AppendStatus status, long logIndex, long originalOffset, short refusal) {
    Attempt attempt = attempts.remove(cookie);
    if (attempt == null) {
      throw new BrokerViolation("node=" + node + " cookie=" + cookie + " status=" + status + " reason=answer-without-request");
    }
    SimProducer producer = attempt.producer();
    oracle.answered(node, leadsHighestTerm(node), producer.producerId(), attempt.firstSeq(), status, logIndex,
        originalOffset, refusal);
    boolean lost = chaos && random.nextDouble() < swarm.responseLoss();
    trace.record(now, node, "answer", "producer=" + producer.producerId() + " seq=" + attempt.firstSeq() + " status="
        + status + " index=" + logIndex + " originalOffset=" + originalOffset + " lost=" + lost);
    if (!lost) {
      boolean settled = status == AppendStatus.SUCCESS || status == AppendStatus.DUPLICATE;
      producer.heard(attempt.firstSeq(), settled, now + BrokerSwarm.TICK * (1 + random.nextInt(3)));
    }
  }

  /**
   * Whether {@code node}'s replica leads in the highest term any replica has reached so far (down ones
   * included: a deposed leader left alone with crashed successors still has a stale view).
   */
  private boolean leadsHighestTerm(int node) {
    long highest = 0;
    for (SimBroker n : nodes) {
      if (n.up()) {
        highest = Math.max(highest, n.partition().group().term());
      }
    }
    highest = Math.max(highest, oracle.highestTerm());
    SimBroker answering = nodes.get(node);
    return answering.partition().role() == Role.LEADER && answering.partition().group().term() == highest;
  }

  /** The up node whose replica claims leadership in the highest term, or null. */
  private SimBroker believedLeader() {
    SimBroker best = null;
    for (SimBroker node : nodes) {
      if (node.up() && node.partition().group().roleHint() == Role.LEADER
          && (best == null || node.partition().group().term() > best.partition().group().term())) {
        best = node;
      }
    }
    return best;
  }

  private long nextFaultGap() {
    return now + 1 + random.nextInt(2 * swarm.faultGap());
  }

  private void fault() {
    nextFaultAt = nextFaultGap();
    if (transferShare > 0 && transferRandom.nextDouble() < transferShare) {
      SimBroker leader = believedLeader();
      if (leader != null) {
        leader.handOff();
        leader.nextLoopAt = Math.min(leader.nextLoopAt, now + 1);
      }
    }
    int total = 0;
    for (int w : swarm.weights()) {
      total += w;
    }
    int pick = random.nextInt(Math.max(1, total));
    Fault fault = Fault.RESTART;
    for (Fault f : Fault.values()) {
      pick -= swarm.weights()[f.ordinal()];
      if (pick < 0) {
        fault = f;
        break;
      }
    }
    SimBroker victim = randomNode(true);
    switch (fault) {
      case CRASH -> {
        if (victim != null) {
          crash(victim, "fault=crash");
        }
      }
      case POWER_CUT -> {
        if (victim != null) {
          victim.cutPowerAfter(random.nextInt(40));
        }
      }
      case PARTITION, ISOLATE -> partition(fault == Fault.ISOLATE);
      case HEAL -> {
        wire.heal();
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
        SimBroker down = randomNode(false);
        if (down != null) {
          down.restartAt = now;
        }
      }
    }
  }

  private void partition(boolean isolate) {
    boolean[] side = new boolean[nodes.size()];
    side[random.nextInt(side.length)] = true;
    for (int n = 0; n < side.length && !isolate; n++) {
      if (random.nextInt(3) == 0) {
        side[n] = true;
      }
    }
    wire.partition(side);
    trace.record(now, -1, isolate ? "isolate" : "partition", wire.describeCut());
  }

  /** Every broker goes down at once (each losing what its disk had not synced) and comes back later. */
  private void fullRestart() {
    fullRestarts++;
    trace.record(now, -1, "full-restart", null);
    for (SimBroker node : nodes) {
      if (node.up()) {
        crash(node, "fault=full-restart");
      }
    }
  }

  private SimBroker randomNode(boolean up) {
    List<SimBroker> candidates = new ArrayList<>();
    for (SimBroker node : nodes) {
      if (node.up() == up) {
        candidates.add(node);
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** End of chaos: every node back at full speed on a reliable network; producers only finish their batch. */
  private void heal() {
    chaos = false;
    wire.becomeReliable();
    for (SimBroker node : nodes) {
      node.slow = false;
      if (node.up()) {
        node.disarmPowerCut();
      } else {
        node.restartAt = now;
      }
    }
    trace.record(now, -1, "heal-all", null);
  }

  /** One leader every replica follows, all applied to its last index, every producer's batch settled. */
  private boolean quiet() {
    SimBroker leader = null;
    for (SimBroker node : nodes) {
      if (!node.up()) {
        return false;
      }
      if (node.partition().role() == Role.LEADER) {
        leader = node;
      }
    }
    if (leader == null || producers.stream().anyMatch(p -> !p.idle())) {
      return false;
    }
    long last = leader.partition().group().lastIndex();
    if (oracle.committedSize() != last) {
      return false;
    }
    for (SimBroker node : nodes) {
      if (node.partition().group().commitIndex() != last || node.partition().appliedIndex() != last
          || node.partition().group().term() != leader.partition().group().term()) {
        return false;
      }
    }
    return true;
  }

  private String describe() {
    StringBuilder sb = new StringBuilder();
    for (SimBroker node : nodes) {
      if (!node.up()) {
        sb.append(" n").append(node.id()).append("=down");
        continue;
      }
      var g = node.partition().group();
      sb.append(" n").append(node.id()).append('=').append(node.partition().role()).append("/t").append(g.term())
          .append("/c").append(g.commitIndex()).append("/a").append(node.partition().appliedIndex())
          .append("/l").append(g.lastIndex());
    }
    for (SimProducer p : producers) {
      sb.append(" p").append(p.producerId()).append(p.idle() ? "=idle" : "=seq" + p.pendingSeq());
    }
    return sb.toString().trim();
  }
}
