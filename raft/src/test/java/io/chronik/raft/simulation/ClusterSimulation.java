package io.chronik.raft.simulation;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A whole Raft cluster driven by one seed on one thread: simulated time, a network that delays,
 * drops, duplicates and reorders messages and can be partitioned in any shape (including one-way
 * links), nodes that loop like the production driver (appends leave before the leader's own fsync;
 * the fsync is a later disk event with slow tails, and may fail), crashes that lose every unsynced
 * write, restarts, membership changes, leadership transfers, snapshots, and KV clients doing writes
 * and ReadIndex reads. Each seed draws its own parameters and fault mix ({@link SwarmProfile}).
 * Raft's safety invariants ({@link ClusterInvariants}) are checked as events happen; a heal phase
 * checks liveness. With {@link Settings#traceLines} set (a replay) a failure prints the event trace.
 */
final class ClusterSimulation {

  static final int TICK_MS = 10;
  static final int NODES = 5;

  /**
   * @param peerLease where the broker's node lease runs ({@link PeerLease}; {@code -Dsim.peerLease=auto|on|off})
   */
  record Settings(long faultPhaseMs, long healDeadlineMs, int clients, int traceLines, LeaseMode peerLease) {
    static Settings ci() {
      return new Settings(4_000, 6_000, 3, 0,
          LeaseMode.valueOf(System.getProperty("sim.peerLease", "auto").toUpperCase(Locale.ROOT)));
    }

    Settings traced(int lines) {
      return new Settings(faultPhaseMs, healDeadlineMs, clients, lines, peerLease);
    }
  }

  /**
   * Which seeds run the node lease ({@code raft.peer.lease}, on in production by default). AUTO: the seeds
   * that draw an fsync tail, where production relies on it (a slow fsync is not a dead leader); the
   * seeds without one keep the lease-off setting covered with runs unchanged by it (with the lease on
   * every seed, the planted {@code commit-past-config-change} went uncaught in 4,000 seeds: fewer
   * quick re-elections of a restarted leader). ON, OFF: every seed. The lease draws nothing from a
   * seed's main random stream, so OFF replays a seed as before the lease was modelled.
   */
  enum LeaseMode { AUTO, ON, OFF }

  record Result(long seed, long events, long nodeEvents, long simulatedMs, long faultPhaseMs, long elections,
                long writesAcked, long readsChecked, long leaderChanges) {}

  private record Event(long time, long seq, Runnable action) {}

  private final long seed;
  /**
   * One seed in {@link #FIGURE8_EVERY} runs the Figure 8 fault mix (derived from the seed, not drawn from
   * the random stream).
   */
  static final int FIGURE8_EVERY = 4;
  private final boolean figure8;
  private final Settings settings;
  private final SplittableRandom rnd;
  private final SwarmProfile profile;
  private final EventTrace trace;
  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long events;
  private long nodeEvents;
  private final SimulatedNode[] nodes = new SimulatedNode[NODES + 1];
  private final ClusterInvariants invariants;
  private final boolean[][] linkDown = new boolean[NODES + 1][NODES + 1];
  private double dropRate;
  private double duplicateRate;
  private int maxDelayMs = 20;
  private boolean faults = true;
  private final Configuration initial;
  private final RaftOptions options;
  private final LinearizabilityOracle oracle = new LinearizabilityOracle();
  private long electionsOfDeadIncarnations;
  private long nextContext = 1;
  private final List<SimulatedClient> clients = new ArrayList<>();
  private final PeerLease lease;
  private final boolean peerLease;
  /** The pings' own draws (delay, drop): a seed's other draws are the same with the lease on or off. */
  private final SplittableRandom pingRnd;

  ClusterSimulation(long seed, Settings settings) {
    this.seed = seed;
    this.settings = settings;
    this.rnd = new SplittableRandom(seed);
    this.figure8 = Math.floorMod(seed, FIGURE8_EVERY) == 0;
    this.trace = settings.traceLines() > 0 ? new EventTrace(settings.traceLines()) : null;
    List<Integer> voters = rnd.nextBoolean() ? List.of(1, 2, 3) : List.of(1, 2, 3, 4, 5);
    this.initial = Configuration.of(figure8 ? List.of(1, 2, 3, 4, 5) : voters);
    this.profile = SwarmProfile.draw(rnd, settings.clients());
    RaftOptions drawn = profile.options();
    if (figure8) {
      // one entry per append and a short window: a new leader's match indexes climb entry by entry
      // through older-term entries before reaching its own no-op, the moment a wrong commit rule fires
      drawn = drawn.toBuilder().appendBytesMax(1).inflightMax(1 + profile.inflightMax() % 2).build();
    }
    this.options = drawn;
    this.pingRnd = new SplittableRandom(seed).split();
    this.peerLease = settings.peerLease() == LeaseMode.ON
        || (settings.peerLease() == LeaseMode.AUTO && profile.fsyncTailRate() > 0);
    this.lease = new PeerLease(NODES, (long) TICK_MS * options.heartbeatTicks(), (long) TICK_MS * options.electionTicks());
    this.invariants = new ClusterInvariants(this, nodes);
    for (int id = 1; id <= NODES; id++) {
      nodes[id] = new SimulatedNode(id, this);
      nodes[id].start();
    }
    // the Figure 8 mix wants a steady stream of proposals so every short-lived leader leaves a tail
    int clientCount = figure8 ? 3 * settings.clients() : profile.clients();
    for (int c = 0; c < clientCount; c++) {
      clients.add(new SimulatedClient(c + 1, this));
    }
  }

  // ------------------------------------------------------------------ engine (used by nodes)

  void at(long time, Runnable action) {
    queue.add(new Event(time, seq++, action));
  }

  long now() {
    return now;
  }

  SplittableRandom rnd() {
    return rnd;
  }

  SwarmProfile profile() {
    return profile;
  }

  Configuration initial() {
    return initial;
  }

  RaftOptions options() {
    return options;
  }

  boolean faulting() {
    return faults;
  }

  Settings settings() {
    return settings;
  }

  SimulatedNode node(int id) {
    return nodes[id];
  }

  LinearizabilityOracle oracle() {
    return oracle;
  }

  Long ackedIndex(String op) {
    return invariants.ackedWrites.get(op);
  }

  long nextReadContext() {
    return nextContext++;
  }

  void nodeEvent() {
    nodeEvents++;
  }

  void noteDeadIncarnation(long elections) {
    electionsOfDeadIncarnations += elections;
  }

  /** Records a trace line in a replay; the text is built only then (a sweep would pay for millions). */
  void trace(int node, java.util.function.Supplier<String> what) {
    if (trace != null) {
      trace.add(now, node, what.get());
    }
  }

  void checkPersisted(int node, io.chronik.raft.log.Entry e, long prevTerm) {
    invariants.checkPersisted(node, e, prevTerm);
  }

  void checkApplied(int node, io.chronik.raft.log.Entry e) {
    invariants.checkApplied(node, e);
  }

  void checkAckDurable(SimulatedNode node, long index) {
    invariants.checkAckDurable(node, index);
  }

  void writeAcknowledged(String op, long index) {
    invariants.writeAcknowledged(op, index);
  }

  Result run() {
    for (SimulatedClient c : clients) {
      at(rnd.nextInt(50), c::next);
    }
    at(100 + rnd.nextInt(400), this::fault);
    at(settings.faultPhaseMs(), this::heal);
    long deadline = settings.faultPhaseMs() + settings.healDeadlineMs();
    boolean live = false;
    while (!queue.isEmpty()) {
      Event e = queue.poll();
      now = e.time;
      e.action.run();
      events++;
      invariants.checkEveryEvent();
      if (!faults && now >= settings.faultPhaseMs() + 200 && converged()) {
        live = true;
        break;
      }
      if (now > deadline) {
        break;
      }
    }
    if (!live) {
      fail("liveness: no leader with full commit within " + settings.healDeadlineMs() + "ms after heal; " + describe());
    }
    invariants.checkFinal();
    long elections = electionsOfDeadIncarnations;
    for (int id = 1; id <= NODES; id++) {
      elections += nodes[id].raft == null ? 0 : nodes[id].raft.electionsStarted();
    }
    return new Result(seed, events, nodeEvents, now, settings.faultPhaseMs(), elections, oracle.writesAcked,
        oracle.readsChecked, invariants.leaderChanges);
  }

  /**
   * Runs one seed with the CI settings; null if it passed, else the failure line (an invariant, or the
   * exception a broken core threw). The mutation harness calls it in a JVM holding a mutated core.
   */
  public static String failureOf(long seed) {
    try {
      new ClusterSimulation(seed, Settings.ci()).run();
      return null;
    } catch (AssertionError e) {
      return e.getMessage();
    } catch (RuntimeException | StackOverflowError e) {
      return "seed=" + seed + " timeMs=? core-exception:" + e.getClass().getSimpleName() + " " + e.getMessage();
    }
  }

  void fail(String reason) {
    if (trace != null) {
      System.out.println(trace.dump());
    }
    throw new AssertionError("seed=" + seed + " timeMs=" + now + " " + reason + " "
        + (figure8 ? "figure8 " : "") + (peerLease ? "peerLease " : "") + profile);
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    for (int id = 1; id <= NODES; id++) {
      RaftNode r = nodes[id].raft;
      sb.append(" n").append(id).append(r == null ? "=down" : "=" + r.role() + "/t" + r.term() + "/c" + r.commitIndex()
          + "/l" + r.lastIndex() + "/a" + r.appliedIndex() + "/" + r.configuration().voters()
          + (r.configuration().joint() ? "+" + r.configuration().outgoing() : "")
          + (r.configuration().learners().isEmpty() ? "" : "L" + r.configuration().learners()));
      if (r != null && r.role() == Role.LEADER) {
        for (int p = 1; p <= NODES; p++) {
          if (r.progress(p) != null) {
            sb.append(" [pr").append(p).append(' ').append(r.progress(p)).append(']');
          }
        }
      }
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ network

  void send(Message m) {
    if (linkDown[m.from()][m.to()] || (dropRate > 0 && rnd.nextDouble() < dropRate)) {
      return;
    }
    int copies = duplicateRate > 0 && rnd.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = 1 + rnd.nextInt(maxDelayMs);
      SimulatedNode target = nodes[m.to()];
      at(now + delay, () -> target.deliver(m));
    }
  }

  /**
   * A node-lease ping ({@link PeerLease}): it rides the same links as Raft messages (a cut link or a drop
   * loses it, a down node never gets it) with the same delays, and costs no event of its own.
   */
  void ping(int from, int to, boolean stalled) {
    if (linkDown[from][to] || !nodes[to].up() || (dropRate > 0 && pingRnd.nextDouble() < dropRate)) {
      return;
    }
    lease.ping(from, to, now + 1 + pingRnd.nextInt(maxDelayMs), stalled);
  }

  PeerLease lease() {
    return lease;
  }

  /** Whether this seed's nodes ping and hold leases ({@link LeaseMode}). */
  boolean peerLease() {
    return peerLease;
  }

  // ------------------------------------------------------------------ faults

  private void fault() {
    if (!faults) {
      return;
    }
    if (figure8) {
      figure8Fault();
      at(now + 20 + rnd.nextInt(230), this::fault);
      return;
    }
    switch (profile.pickFault(rnd)) {
      case "partition" -> partitionRandomly();
      case "oneway" -> linkDown[1 + rnd.nextInt(NODES)][1 + rnd.nextInt(NODES)] = true;
      case "heal" -> healNetwork();
      case "crash" -> {
        RaftNode leader = anyLeader();
        SimulatedNode n = leader != null && rnd.nextBoolean() ? nodes[leader.id()] : nodes[1 + rnd.nextInt(NODES)];
        if (n.up()) {
          n.crash("fault"); // leaders crash often: that is where commit and election bugs surface
        }
      }
      case "restart" -> {
        for (int id = 1; id <= NODES; id++) {
          if (!nodes[id].up()) {
            nodes[id].start();
            break;
          }
        }
      }
      case "net" -> {
        double[] drops = {0, 0.02, 0.1, 0.3};
        dropRate = drops[rnd.nextInt(drops.length)];
        duplicateRate = rnd.nextBoolean() ? 0 : 0.05;
        maxDelayMs = 5 + rnd.nextInt(60);
      }
      case "membership" -> changeMembership();
      default -> {
        RaftNode leader = anyLeader();
        if (leader != null) {
          List<Integer> voters = new ArrayList<>(leader.configuration().voters());
          int target = voters.get(rnd.nextInt(voters.size()));
          nodes[leader.id()].submit(() -> leader.transferLeadership(target));
        }
      }
    }
    at(now + 1 + rnd.nextInt(profile.faultGapMs()), this::fault);
  }

  /**
   * The Figure 8 mix (Raft §5.4.2): leaders crash soon after they start replicating, so entries of a term
   * sit on a minority; stale nodes restart and can win a later term, then push those older-term entries
   * to a majority; short partitions cut a leader off with one follower so another term's entries pile up
   * elsewhere. No membership changes or transfers: the voter set stays at five. At most two nodes are
   * down, so a majority can always elect and commit between the crashes.
   */
  private void figure8Fault() {
    int pick = rnd.nextInt(100);
    RaftNode leader = anyLeader();
    List<Integer> down = new ArrayList<>();
    for (int id = 1; id <= NODES; id++) {
      if (!nodes[id].up()) {
        down.add(id);
      }
    }
    if (pick < 40) {
      if (leader != null && down.size() < 2) {
        // crash it a few ms later: after it appended client proposals, before all followers have them
        SimulatedNode n = nodes[leader.id()];
        int inc = n.incarnation;
        at(now + 1 + rnd.nextInt(15), () -> {
          if (faults && n.incarnation == inc && n.raft != null) { // never after heal()
            n.crash("fault");
          }
        });
      }
    } else if (pick < 75) {
      if (!down.isEmpty()) {
        nodes[down.get(rnd.nextInt(down.size()))].start();
      }
    } else if (pick < 90) {
      if (leader != null) {
        isolateWithOne(leader.id());
      }
    } else {
      healNetwork();
    }
  }

  /** Cuts {@code id} and one random other node off from the other three. */
  private void isolateWithOne(int id) {
    healNetwork();
    int buddy = 1 + rnd.nextInt(NODES);
    for (int a = 1; a <= NODES; a++) {
      for (int b = 1; b <= NODES; b++) {
        boolean aSmall = a == id || a == buddy;
        boolean bSmall = b == id || b == buddy;
        linkDown[a][b] = aSmall != bSmall;
      }
    }
  }

  private void partitionRandomly() {
    healNetwork();
    int[] side = new int[NODES + 1];
    int groups = 2 + rnd.nextInt(2);
    for (int id = 1; id <= NODES; id++) {
      side[id] = rnd.nextInt(groups);
    }
    for (int a = 1; a <= NODES; a++) {
      for (int b = 1; b <= NODES; b++) {
        linkDown[a][b] = side[a] != side[b];
      }
    }
  }

  private void healNetwork() {
    for (boolean[] row : linkDown) {
      Arrays.fill(row, false);
    }
  }

  private void changeMembership() {
    RaftNode leader = anyLeader();
    if (leader == null) {
      return;
    }
    TreeSet<Integer> voters = new TreeSet<>();
    TreeSet<Integer> learners = new TreeSet<>();
    int size = rnd.nextInt(100) < profile.singleVoterPct() ? 1 : (rnd.nextBoolean() ? 3 : 5);
    List<Integer> ids = new ArrayList<>(List.of(1, 2, 3, 4, 5));
    for (int i = 0; i < size; i++) {
      voters.add(ids.remove(rnd.nextInt(ids.size())));
    }
    for (int id : ids) {
      if (rnd.nextBoolean()) {
        learners.add(id);
      }
    }
    // the core promotes only learners that hold every commit: newcomers join as learners first
    var current = leader.configuration();
    TreeSet<Integer> newcomers = new TreeSet<>(voters);
    newcomers.removeIf(id -> current.isVoter(id) || current.learners().contains(id));
    if (!newcomers.isEmpty()) {
      voters.clear();
      voters.addAll(current.voters());
      learners.addAll(newcomers);
      learners.removeAll(voters);
    }
    nodes[leader.id()].submit(() -> leader.proposeConfiguration(voters, learners));
  }

  private void heal() {
    faults = false;
    healNetwork();
    dropRate = 0;
    duplicateRate = 0;
    maxDelayMs = 20;
    for (int id = 1; id <= NODES; id++) {
      if (!nodes[id].up()) {
        nodes[id].start();
      }
    }
  }

  RaftNode anyLeader() {
    RaftNode best = null;
    for (int id = 1; id <= NODES; id++) {
      RaftNode r = nodes[id].raft;
      if (r != null && r.role() == Role.LEADER && (best == null || r.term() > best.term())) {
        best = r;
      }
    }
    return best;
  }

  /** Liveness: a leader whose term has a committed entry, and every member applied all of its log. */
  private boolean converged() {
    RaftNode leader = anyLeader();
    if (leader == null || leader.commitIndex() != leader.lastIndex() || leader.termAt(leader.commitIndex()) != leader.term()) {
      return false;
    }
    for (int member : leader.configuration().members()) {
      RaftNode r = nodes[member].raft;
      if (r == null || r.appliedIndex() != leader.lastIndex() || r.termAt(leader.lastIndex()) != leader.term()) {
        return false;
      }
    }
    return true;
  }
}
