package io.chronik.raft.simulation;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.ReadState;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole Raft cluster driven by one seed on one thread: simulated time, a network that delays,
 * drops, duplicates and reorders messages and can be partitioned in any shape (including one-way
 * links), disks that lose everything not yet persisted when a node crashes, crashes and restarts,
 * membership changes, leadership transfers, snapshots, and KV clients doing writes and ReadIndex
 * reads. Raft's safety invariants are checked as events happen; a heal phase checks liveness.
 */
final class ClusterSimulation {

  static final int TICK_MS = 10;
  static final int NODES = 5;

  record Settings(long faultPhaseMs, long healDeadlineMs, int clients) {
    static Settings ci() {
      return new Settings(4_000, 6_000, 3);
    }
  }

  record Result(long seed, long events, long simulatedMs, long faultPhaseMs, long elections,
                long writesAcked, long readsChecked, long leaderChanges) {}

  private record Event(long time, long seq, Runnable action) {}

  private record EntryId(long index, long term) {}

  private record Identity(byte[] payload, EntryType type, long prevTerm) {}

  private final long seed;
  /**
   * One seed in {@link #FIGURE8_EVERY} runs the Figure 8 fault mix (derived from the seed, not drawn from
   * the random stream, so the other seeds replay exactly as before the profile existed).
   */
  static final int FIGURE8_EVERY = 4;
  private final boolean figure8;
  private final Settings settings;
  private final SplittableRandom rnd;
  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long events;
  private final SimNode[] nodes = new SimNode[NODES + 1];
  private final boolean[][] linkDown = new boolean[NODES + 1][NODES + 1];
  private double dropRate;
  private double duplicateRate;
  private int maxDelayMs = 20;
  private boolean faults = true;
  private final Configuration initial;
  private final RaftOptions options;
  private final LinearizabilityOracle oracle = new LinearizabilityOracle();
  // invariant bookkeeping
  private final TreeMap<Long, Integer> leaderOfTerm = new TreeMap<>();
  private final TreeMap<Long, Entry> committed = new TreeMap<>();
  private final TreeMap<Long, Long> committedTerms = new TreeMap<>();
  private final HashMap<EntryId, Identity> seenEntries = new HashMap<>();
  private final Map<String, Long> ackedWrites = new HashMap<>();
  private long electionsOfDeadIncarnations;
  private long leaderChanges;
  private long nextContext = 1;
  private final List<Client> clients = new ArrayList<>();

  ClusterSimulation(long seed, Settings settings) {
    this.seed = seed;
    this.settings = settings;
    this.rnd = new SplittableRandom(seed);
    this.figure8 = Math.floorMod(seed, FIGURE8_EVERY) == 0;
    List<Integer> voters = rnd.nextBoolean() ? List.of(1, 2, 3) : List.of(1, 2, 3, 4, 5);
    this.initial = Configuration.of(figure8 ? List.of(1, 2, 3, 4, 5) : voters);
    RaftOptions d = RaftOptions.defaults();
    // small append and window bounds split replication into many messages, which is where
    // commit-rule and back-tracking bugs show
    int appendBytesMax = rnd.nextBoolean() ? 1 : 64 + rnd.nextInt(2_000);
    int inflightMax = 1 + rnd.nextInt(8);
    if (figure8) {
      // one entry per append and a short window: a new leader's match indexes climb entry by entry
      // through older-term entries before reaching its own no-op, the moment a wrong commit rule fires
      appendBytesMax = 1;
      inflightMax = 1 + inflightMax % 2;
    }
    this.options = d.toBuilder().appendBytesMax(appendBytesMax).inflightMax(inflightMax)
        .snapshotChunkBytes(64 + rnd.nextInt(256)).build();
    for (int id = 1; id <= NODES; id++) {
      nodes[id] = new SimNode(id);
      nodes[id].start();
    }
    // the Figure 8 mix wants a steady stream of proposals so every short-lived leader leaves a tail
    int clientCount = figure8 ? 3 * settings.clients() : settings.clients();
    for (int c = 0; c < clientCount; c++) {
      clients.add(new Client(c + 1));
    }
  }

  // ------------------------------------------------------------------ engine

  private void at(long time, Runnable action) {
    queue.add(new Event(time, seq++, action));
  }

  Result run() {
    for (Client c : clients) {
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
      checkEveryEvent();
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
    checkFinal();
    long elections = electionsOfDeadIncarnations;
    for (int id = 1; id <= NODES; id++) {
      elections += nodes[id].raft == null ? 0 : nodes[id].raft.electionsStarted();
    }
    return new Result(seed, events, now, settings.faultPhaseMs(), elections, oracle.writesAcked, oracle.readsChecked,
        leaderChanges);
  }

  void fail(String reason) {
    throw new AssertionError("seed=" + seed + " timeMs=" + now + " " + reason);
  }

  private String describe() {
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

  private void send(Message m) {
    if (linkDown[m.from()][m.to()] || (dropRate > 0 && rnd.nextDouble() < dropRate)) {
      return;
    }
    int copies = duplicateRate > 0 && rnd.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = 1 + rnd.nextInt(maxDelayMs);
      SimNode target = nodes[m.to()];
      at(now + delay, () -> target.deliver(m));
    }
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
    int pick = rnd.nextInt(100);
    if (pick < 15) {
      partitionRandomly();
    } else if (pick < 25) {
      int a = 1 + rnd.nextInt(NODES);
      int b = 1 + rnd.nextInt(NODES);
      linkDown[a][b] = true; // one-way link failure
    } else if (pick < 40) {
      healNetwork();
    } else if (pick < 52) {
      RaftNode leader = anyLeader();
      SimNode n = leader != null && rnd.nextBoolean() ? nodes[leader.id()] : nodes[1 + rnd.nextInt(NODES)];
      if (n.raft != null) {
        n.crash(); // leaders crash often: that is where commit and election bugs surface
      }
    } else if (pick < 67) {
      for (int id = 1; id <= NODES; id++) {
        if (nodes[id].raft == null) {
          nodes[id].start();
          break;
        }
      }
    } else if (pick < 75) {
      double[] drops = {0, 0.02, 0.1, 0.3};
      dropRate = drops[rnd.nextInt(drops.length)];
      duplicateRate = rnd.nextBoolean() ? 0 : 0.05;
      maxDelayMs = 5 + rnd.nextInt(60);
    } else if (pick < 87) {
      changeMembership();
    } else {
      RaftNode leader = anyLeader();
      if (leader != null) {
        List<Integer> voters = new ArrayList<>(leader.configuration().voters());
        leader.transferLeadership(voters.get(rnd.nextInt(voters.size())));
        nodes[leader.id()].scheduleReady();
      }
    }
    at(now + 50 + rnd.nextInt(500), this::fault);
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
      if (nodes[id].raft == null) {
        down.add(id);
      }
    }
    if (pick < 40) {
      if (leader != null && down.size() < 2) {
        // crash it a few ms later: after it appended client proposals, before all followers have them
        SimNode n = nodes[leader.id()];
        int inc = n.incarnation;
        at(now + 1 + rnd.nextInt(15), () -> {
          if (faults && n.incarnation == inc && n.raft != null) { // never after heal()
            n.crash();
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
    int size = rnd.nextInt(10) == 0 ? 1 : (rnd.nextBoolean() ? 3 : 5);
    List<Integer> ids = new ArrayList<>(List.of(1, 2, 3, 4, 5));
    for (int i = 0; i < size; i++) {
      voters.add(ids.remove(rnd.nextInt(ids.size())));
    }
    for (int id : ids) {
      if (rnd.nextBoolean()) {
        learners.add(id);
      }
    }
    leader.proposeConfiguration(voters, learners);
    nodes[leader.id()].scheduleReady();
  }

  private void heal() {
    faults = false;
    healNetwork();
    dropRate = 0;
    duplicateRate = 0;
    maxDelayMs = 20;
    for (int id = 1; id <= NODES; id++) {
      if (nodes[id].raft == null) {
        nodes[id].start();
      }
    }
  }

  private RaftNode anyLeader() {
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

  // ------------------------------------------------------------------ invariants

  private void checkEveryEvent() {
    for (int id = 1; id <= NODES; id++) {
      SimNode n = nodes[id];
      RaftNode r = n.raft;
      if (r == null) {
        continue;
      }
      if (r.commitIndex() < n.lastCommit) {
        fail("commit-regressed node=" + id + " from=" + n.lastCommit + " to=" + r.commitIndex());
      }
      if (r.role() == Role.LEADER && r.commitIndex() > n.lastCommit) {
        recordLeaderCommit(r, n.lastCommit);
        checkNoElectableNodeLacks(r);
      }
      n.lastCommit = r.commitIndex();
      if (r.role() == Role.LEADER) {
        Integer prev = leaderOfTerm.putIfAbsent(r.term(), id);
        if (prev == null) {
          leaderChanges++;
          checkLeaderCompleteness(r);
        } else if (prev != id) {
          fail("election-safety term=" + r.term() + " leaders=" + prev + "," + id);
        }
      }
    }
  }

  /** What a leader declared committed, (from, commit], must agree with every other commit decision. */
  private void recordLeaderCommit(RaftNode leader, long from) {
    for (long i = from + 1; i <= leader.commitIndex(); i++) {
      long t = leader.termAt(i);
      if (t < 0) {
        continue;
      }
      Long prev = committedTerms.putIfAbsent(i, t);
      if (prev != null && prev != t) {
        fail("commit-conflict leader=" + leader.id() + " index=" + i + " term=" + t + " earlierCommittedTerm=" + prev);
      }
    }
  }

  /**
   * The lemma behind Leader Completeness (§5.4.3): once an entry is committed, no voter lacking it
   * can collect a majority of votes, because its log is less up to date than the log of every voter
   * that stores the entry. Checked at each commit decision, this flags an unsafe commit before any
   * leader actually overwrites it (e.g. Figure 8).
   */
  private void checkNoElectableNodeLacks(RaftNode leader) {
    Configuration config = leader.configuration();
    if (config.joint()) {
      return;
    }
    long index = leader.commitIndex();
    long term = leader.termAt(index);
    for (int v : config.voters()) {
      long[] vLast = lastOf(v);
      if (termIn(v, index) == term || termIn(v, index) == -2) {
        continue; // holds it, or compacted it into a snapshot taken after it was committed locally
      }
      int electors = 0;
      for (int u : config.voters()) {
        long[] uLast = lastOf(u);
        if (vLast[1] > uLast[1] || (vLast[1] == uLast[1] && vLast[0] >= uLast[0])) {
          electors++;
        }
      }
      if (electors > config.voters().size() / 2) {
        fail("electable-node-lacks-committed-entry leader=" + leader.id() + " index=" + index + " term=" + term
            + " node=" + v + " nodeLast=" + vLast[0] + "/" + vLast[1] + " electors=" + electors + describe());
      }
    }
  }

  /** (lastIndex, lastTerm) of a node: in memory if up, else on its disk. */
  private long[] lastOf(int id) {
    RaftNode r = nodes[id].raft;
    if (r != null) {
      return new long[] {r.lastIndex(), r.termAt(r.lastIndex())};
    }
    MemoryLogStorage d = nodes[id].disk;
    return new long[] {d.lastIndex(), d.term(d.lastIndex())};
  }

  /** Term at index on a node, -1 if beyond its log, -2 if compacted. */
  private long termIn(int id, long index) {
    RaftNode r = nodes[id].raft;
    MemoryLogStorage d = nodes[id].disk;
    long last = r != null ? r.lastIndex() : d.lastIndex();
    if (index > last) {
      return -1;
    }
    if (index < d.firstIndex() - 1 && (r == null || r.termAt(index) == -1)) {
      return -2;
    }
    return r != null ? r.termAt(index) : d.term(index);
  }

  /** Leader Completeness (§5.4): a new leader holds every committed entry. */
  private void checkLeaderCompleteness(RaftNode leader) {
    for (Map.Entry<Long, Long> e : committedTerms.entrySet()) {
      long index = e.getKey();
      long t = leader.termAt(index);
      if (t == -1 && index <= leader.lastIndex()) {
        continue; // compacted into the leader's snapshot, which covers it
      }
      if (t != e.getValue()) {
        fail("leader-completeness leader=" + leader.id() + " term=" + leader.term() + " index=" + index
            + " committedTerm=" + e.getValue() + " leaderTerm=" + t);
      }
    }
  }

  /** Log Matching (§5.3), checked inductively on every persisted entry: same (index, term) ⇒ same entry and same predecessor term. */
  private void checkPersisted(int node, Entry e, long prevTerm) {
    Identity id = new Identity(e.payload(), e.type(), prevTerm);
    Identity seen = seenEntries.putIfAbsent(new EntryId(e.index(), e.term()), id);
    if (seen != null && (seen.prevTerm() != prevTerm || seen.type() != e.type() || !Arrays.equals(seen.payload(), e.payload()))) {
      fail("log-matching node=" + node + " index=" + e.index() + " term=" + e.term() + " prevTerm=" + prevTerm
          + " seenPrevTerm=" + seen.prevTerm());
    }
  }

  /** State Machine Safety (§5.4.3): no two nodes apply different entries at one index. */
  private void checkApplied(int node, Entry e) {
    Long committedTerm = committedTerms.putIfAbsent(e.index(), e.term());
    if (committedTerm != null && committedTerm != e.term()) {
      fail("state-machine-safety node=" + node + " index=" + e.index() + " appliedTerm=" + e.term()
          + " committedTerm=" + committedTerm);
    }
    Entry prev = committed.putIfAbsent(e.index(), e);
    if (prev != null && !prev.equals(e)) {
      fail("state-machine-safety node=" + node + " index=" + e.index() + " applied=" + e + " other=" + prev);
    }
  }

  private void checkFinal() {
    // acknowledged writes are committed at the index they were acknowledged for, on every live member
    for (Map.Entry<String, Long> w : ackedWrites.entrySet()) {
      Entry e = committed.get(w.getValue());
      if (e == null || KvStore.opKey(e.payload()) == null || !KvStore.opKey(e.payload()).equals(w.getKey())) {
        fail("acked-write-lost op=" + w.getKey() + " index=" + w.getValue());
      }
    }
    RaftNode leader = anyLeader();
    for (int member : leader.configuration().members()) {
      RaftNode r = nodes[member].raft;
      for (long i = Math.max(1, leader.commitIndex() - 200); i <= leader.commitIndex(); i++) {
        long t = r.termAt(i);
        if (t != -1 && committed.containsKey(i) && committed.get(i).term() != t) {
          fail("final-log-divergence node=" + member + " index=" + i);
        }
      }
    }
  }

  // ------------------------------------------------------------------ nodes

  private final class SimNode {
    final int id;
    final MemoryLogStorage disk = new MemoryLogStorage();
    RaftNode raft;
    KvStore kv;
    int incarnation;
    boolean readyScheduled;
    long lastCommit;
    long durableCommit;
    final TreeMap<Long, Runnable> readsByContext = new TreeMap<>();
    final List<long[]> confirmedReads = new ArrayList<>();
    final Map<String, Runnable> writeAcks = new HashMap<>();

    SimNode(int id) {
      this.id = id;
    }

    void start() {
      incarnation++;
      raft = new RaftNode(id, disk, initial, options, new SplittableRandom(rnd.nextLong()));
      kv = new KvStore();
      SnapshotMeta snap = disk.snapshotMeta();
      if (snap.index() > 0) {
        kv.restore(disk.snapshotData(), snap.index());
      }
      lastCommit = raft.commitIndex();
      readyScheduled = false;
      int inc = incarnation;
      at(now + 1 + rnd.nextInt(TICK_MS), () -> tick(inc));
    }

    void crash() {
      electionsOfDeadIncarnations += raft.electionsStarted();
      raft = null; // everything not persisted is gone; the disk stays
      readsByContext.clear();
      confirmedReads.clear();
      writeAcks.clear();
      incarnation++;
    }

    void tick(int inc) {
      if (inc != incarnation) {
        return;
      }
      raft.tick();
      scheduleReady();
      at(now + TICK_MS, () -> tick(inc));
    }

    void deliver(Message m) {
      if (raft == null) {
        return;
      }
      raft.step(m);
      scheduleReady();
    }

    void scheduleReady() {
      if (readyScheduled || raft == null || !raft.hasReady()) {
        return;
      }
      readyScheduled = true;
      int inc = incarnation;
      at(now + rnd.nextInt(3), () -> handleReady(inc));
    }

    void handleReady(int inc) {
      if (inc != incarnation) {
        return;
      }
      readyScheduled = false;
      Ready rd = raft.ready();
      persist(rd);
      for (Message m : rd.messages()) {
        send(m);
      }
      apply(rd);
      raft.advance(rd);
      maybeSnapshot();
      scheduleReady();
    }

    private void persist(Ready rd) {
      if (rd.snapshot() != null) {
        disk.installSnapshot(rd.snapshot(), rd.snapshotData());
      }
      if (!rd.entries().isEmpty()) {
        disk.append(rd.entries());
        for (Entry e : rd.entries()) {
          checkPersisted(id, e, disk.term(e.index() - 1));
        }
      }
      HardState hs = rd.hardState();
      if (hs != null) {
        if (hs.commit() < durableCommit) {
          fail("durable-commit-regressed node=" + id + " from=" + durableCommit + " to=" + hs.commit());
        }
        durableCommit = hs.commit();
        disk.saveHardState(hs);
      }
      disk.sync();
    }

    private void apply(Ready rd) {
      if (rd.snapshot() != null) {
        kv.restore(rd.snapshotData(), rd.snapshot().index());
      }
      for (Entry e : rd.committedEntries()) {
        checkApplied(id, e);
        if (e.index() != kv.applied + 1) {
          fail("apply-gap node=" + id + " index=" + e.index() + " applied=" + kv.applied);
        }
        String op = e.type() == EntryType.NORMAL ? kv.apply(e.index(), e.payload()) : null;
        kv.applied = e.index();
        Runnable ack = op == null ? null : writeAcks.remove(op);
        if (ack != null) {
          ackedWrites.put(op, e.index());
          ack.run();
        }
      }
      for (ReadState rs : rd.readStates()) {
        if (readsByContext.containsKey(rs.context())) {
          confirmedReads.add(new long[] {rs.context(), rs.index()});
        }
      }
      for (var it = confirmedReads.iterator(); it.hasNext(); ) {
        long[] r = it.next();
        if (r[1] <= kv.applied) {
          it.remove();
          Runnable done = readsByContext.remove(r[0]);
          if (done != null) {
            done.run();
          }
        }
      }
    }

    private void maybeSnapshot() {
      long applied = raft.appliedIndex();
      if (applied - disk.snapshotMeta().index() >= 25) {
        disk.createSnapshot(raft.snapshotMetaAt(applied), kv.snapshot());
        disk.compact(Math.max(disk.firstIndex() - 1, applied - 5));
      }
    }
  }

  // ------------------------------------------------------------------ clients

  private final class Client {
    final int id;
    long op;
    long attemptUntil;

    Client(int id) {
      this.id = id;
    }

    void next() {
      if (!faults && now > settings.faultPhaseMs() + 500) {
        return; // clients stop early in the heal phase so the cluster can settle
      }
      op++;
      attemptUntil = now + 1_500;
      String key = "k" + rnd.nextInt(3);
      if (rnd.nextInt(10) < 6) {
        attemptWrite(key, "v" + id + "." + op);
      } else {
        attemptRead(key);
      }
    }

    private SimNode pickNode(boolean preferLeader) {
      RaftNode leader = anyLeader();
      if (preferLeader && leader != null && rnd.nextInt(10) < 8) {
        return nodes[leader.id()];
      }
      return nodes[1 + rnd.nextInt(NODES)];
    }

    private void retryOrGiveUp(Runnable attempt) {
      if (now + 20 > attemptUntil) {
        at(now + 1, this::next);
      } else {
        at(now + 20, attempt);
      }
    }

    void attemptWrite(String key, String value) {
      SimNode n = pickNode(true);
      long myOp = op;
      if (n.raft == null || !n.raft.propose(KvStore.write(id, myOp, key, value)).isAccepted()) {
        retryOrGiveUp(() -> attemptWrite(key, value));
        return;
      }
      n.scheduleReady();
      long invoked = now;
      boolean[] done = {false};
      n.writeAcks.put(id + ":" + myOp, () -> {
        done[0] = true;
        oracle.writeAcked(key, invoked, now, ackedWrites.get(id + ":" + myOp));
        at(now + rnd.nextInt(30), this::next);
      });
      // an unacknowledged write is indeterminate: the client gives up on it and moves on
      at(attemptUntil, () -> {
        if (!done[0] && op == myOp) {
          n.writeAcks.remove(id + ":" + myOp);
          next();
        }
      });
    }

    void attemptRead(String key) {
      SimNode n = pickNode(false);
      long ctx = nextContext++;
      if (n.raft == null || !n.raft.readIndex(ctx)) {
        retryOrGiveUp(() -> attemptRead(key));
        return;
      }
      n.scheduleReady();
      long invoked = now;
      long myOp = op;
      boolean[] done = {false};
      n.readsByContext.put(ctx, () -> {
        done[0] = true;
        String violation = oracle.readCompleted(key, invoked, now, n.kv.get(key).index());
        if (violation != null) {
          fail("linearizability " + violation + " node=" + id);
        }
        at(now + rnd.nextInt(30), this::next);
      });
      at(attemptUntil, () -> {
        if (!done[0] && op == myOp) {
          n.readsByContext.remove(ctx);
          next();
        }
      });
    }
  }
}
