package io.chronik.raft.simulation;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SortedSet;
import java.util.SplittableRandom;

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
  record Settings(long faultPhaseMs, long healDeadlineMs, int clients, int traceLines, LeaseMode peerLease,
                  DiskLoss.Rejoin diskLoss) {
    /** {@code -Dsim.diskLoss=safe|off|unsafe} ({@link DiskLoss.Rejoin}; unsafe is a planted hazard, never CI's). */
    static Settings ci() {
      return new Settings(4_000, 6_000, 3, 0,
          LeaseMode.valueOf(System.getProperty("sim.peerLease", "auto").toUpperCase(Locale.ROOT)),
          DiskLoss.Rejoin.fromProperty());
    }

    Settings traced(int lines) {
      return new Settings(faultPhaseMs, healDeadlineMs, clients, lines, peerLease, diskLoss);
    }

    Settings withDiskLoss(DiskLoss.Rejoin rejoin) {
      return new Settings(faultPhaseMs, healDeadlineMs, clients, traceLines, peerLease, rejoin);
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
                long writesAcked, long readsChecked, long leaderChanges, long diskLosses, long disksReplaced) {}

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
  private final SimulatedNetwork network = new SimulatedNetwork(this, NODES);
  private final DiskLoss diskLoss;
  private boolean faulting = true;
  private final ClusterFaults faults;
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
    this.diskLoss = new DiskLoss(this, seed, settings.diskLoss(), figure8, NODES);
    this.invariants = new ClusterInvariants(this, nodes);
    this.faults = new ClusterFaults(this, network, figure8);
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
    return faulting;
  }

  Settings settings() {
    return settings;
  }

  /** The node running {@code member}, or null once the member retired (its disk was lost, {@link DiskLoss}). */
  SimulatedNode node(int member) {
    SimulatedNode n = nodes[keys().host(member)];
    return n.member == member ? n : null;
  }

  /** The node with this node id (host). */
  SimulatedNode host(int node) {
    return nodes[node];
  }

  ReplicaKeys keys() {
    return diskLoss.keys();
  }

  /** A member's disk: its node's, or for a retired member what its disk held when lost. */
  io.chronik.raft.log.MemoryLogStorage disk(int member) {
    SimulatedNode n = node(member);
    return n != null ? n.disk : diskLoss.retiredDisk(member);
  }

  /** A member whose disk was lost and which rejoined as a new member: it never runs, votes or answers again. */
  boolean retired(int member) {
    return diskLoss.retired(member);
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
    at(100 + rnd.nextInt(400), faults::fault);
    diskLoss.start();
    at(settings.faultPhaseMs(), this::heal);
    long deadline = settings.faultPhaseMs() + settings.healDeadlineMs();
    boolean live = false;
    while (!queue.isEmpty()) {
      Event e = queue.poll();
      now = e.time;
      e.action.run();
      events++;
      invariants.checkEveryEvent();
      if (!faulting && now >= settings.faultPhaseMs() + 200 && converged()) {
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
        oracle.readsChecked, invariants.leaderChanges, diskLoss.losses(), diskLoss.replaced());
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
        + (figure8 ? "figure8 " : "") + (peerLease ? "peerLease " : "")
        + (diskLoss.active() ? "diskLoss=" + diskLoss.rejoin().name().toLowerCase(Locale.ROOT) + " losses="
            + diskLoss.losses() + " replaced=" + diskLoss.replaced() + " " : "") + profile);
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    for (int id = 1; id <= NODES; id++) {
      RaftNode r = nodes[id].raft;
      sb.append(" n").append(id).append(nodes[id].member == id ? "" : "/m" + nodes[id].member);
      sb.append(r == null ? "=down" : "=" + r.role() + "/t" + r.term() + "/c" + r.commitIndex()
          + "/l" + r.lastIndex() + "/a" + r.appliedIndex() + "/" + r.configuration().voters()
          + (r.configuration().joint() ? "+" + r.configuration().outgoing() : "")
          + (r.configuration().learners().isEmpty() ? "" : "L" + r.configuration().learners()));
      if (r != null && r.role() == Role.LEADER) {
        for (int p : r.configuration().members()) {
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
    network.send(m);
  }

  /** A node-lease ping between two nodes ({@link PeerLease}), drawn from the pings' own stream. */
  void ping(int from, int to, boolean stalled) {
    network.ping(from, to, stalled, pingRnd);
  }

  PeerLease lease() {
    return lease;
  }

  /** Whether this seed's nodes ping and hold leases ({@link LeaseMode}). */
  boolean peerLease() {
    return peerLease;
  }

  /**
   * Proposes a membership change in the leader's next loop; an accepted one is recorded for the disk-loss
   * gate. As KIP-853's controller checks a change against the replicas it knows when it makes it, a change
   * drawn before a disk loss is checked when the leader's loop takes it: it never adds a retired member
   * ({@link DiskLoss}), and a change naming a voter set of which retired members are not a minority is
   * dropped (that set could never elect or commit).
   */
  void proposeMembership(RaftNode leader, SortedSet<Integer> voters, SortedSet<Integer> learners) {
    node(leader.id()).submit(() -> {
      Configuration now = leader.configuration();
      voters.removeIf(v -> retired(v) && !now.isVoter(v));
      learners.removeIf(v -> retired(v) && !now.learners().contains(v));
      if (voters.size() - voters.stream().filter(this::retired).count() <= voters.size() / 2) {
        return;
      }
      if (leader.proposeConfiguration(voters, learners)) {
        diskLoss.proposed(leader.lastIndex(), leader.term(), voters);
      }
    });
  }

  /** The term of the entry committed at {@code index}, or null if no commit was seen there yet. */
  Long committedTerm(long index) {
    return invariants.committedTerm(index);
  }

  long highestCommitted() {
    return invariants.highestCommitted();
  }

  private void heal() {
    faulting = false;
    network.makeReliable();
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
      SimulatedNode n = node(member); // a retired member never applies: the loss must be replaced first
      RaftNode r = n == null ? null : n.raft;
      if (r == null || r.appliedIndex() != leader.lastIndex() || r.termAt(leader.lastIndex()) != leader.term()) {
        return false;
      }
    }
    return true;
  }
}
