package io.chronik.raft.simulation;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.ReadState;
import io.chronik.raft.node.Ready;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated node, looping the way the production driver ({@code pipeline}'s {@code RaftDriver})
 * does: step every queued input (messages, proposals, reads), apply at most one tick however long
 * the loop took, take the Ready, write it, send what may leave before the sync ({@link
 * MessageType#sendableBeforeSync}: appends, heartbeats, quiesce, pre-votes, vote requests), fsync, then send the rest, apply and advance.
 * The fsync is a separate disk event some time later (slow tails drawn per seed); while it runs the
 * node is busy and inputs queue. {@link #disk} holds only what was synced: a crash loses every
 * unsynced write (or keeps a torn prefix of the entries), so a leader that counts an append its own
 * disk has not made durable commits something a crash can take away. On the seeds that run node
 * leases ({@link PeerLease}) its timer also pings the peers every heartbeat interval, fsync or not, and
 * queues a lease round for its loop, as the broker's tick thread and {@code livenessRound} do.
 */
final class SimulatedNode {

  /** The node id: the host, its links and its node lease. */
  final int id;
  private final ClusterSimulation sim;
  /** The Raft member id of the data directory it runs ({@link ReplicaKeys}); a disk loss may change it. */
  int member;
  MemoryLogStorage disk = new MemoryLogStorage();
  RaftNode raft;
  KvStore kv;
  int incarnation;
  long lastCommit;
  /** The configuration at the last invariant check (commit decisions are taken under it). */
  Configuration lastConfig;
  private long durableCommit;
  private boolean loopScheduled;
  private boolean tickPending;
  private Ready syncing;
  /** When the fsync of {@link #syncing} began: a loop stuck that long pings "stalled" ({@link PeerLease}). */
  private long syncStartedMs;
  /** Timer ticks of this incarnation: every heartbeat interval's worth also pings the peers. */
  private long timerTicks;
  /** Peers the last lease round found alive, one bit per node id (a replay traces the changes). */
  private int peersAlive;
  private final ArrayDeque<Runnable> inbox = new ArrayDeque<>();
  final TreeMap<Long, Runnable> readsByContext = new TreeMap<>();
  private final List<long[]> confirmedReads = new ArrayList<>();
  final Map<String, Runnable> writeAcks = new HashMap<>();

  SimulatedNode(int id, ClusterSimulation sim) {
    this.id = id;
    this.member = id;
    this.sim = sim;
  }

  void start() {
    incarnation++;
    raft = new RaftNode(member, disk, sim.initial(), sim.options(), new SplittableRandom(sim.rnd().nextLong()));
    kv = new KvStore();
    SnapshotMeta snap = disk.snapshotMeta();
    if (snap.index() > 0) {
      kv.restore(disk.snapshotData(), snap.index());
    }
    lastCommit = raft.commitIndex();
    lastConfig = raft.configuration();
    sim.lease().started(id);
    loopScheduled = false;
    tickPending = false;
    syncing = null;
    timerTicks = 0;
    peersAlive = 0;
    inbox.clear();
    sim.trace(id, () -> "start term=" + raft.term() + " commit=" + raft.commitIndex() + " last=" + raft.lastIndex());
    int inc = incarnation;
    sim.at(sim.now() + 1 + sim.rnd().nextInt(ClusterSimulation.TICK_MS), () -> tick(inc));
  }

  /** Power cut: the process is gone and so is every write its disk had not synced. */
  void crash(String why) {
    sim.noteDeadIncarnation(raft.electionsStarted());
    if (syncing != null && sim.profile().tornCrash() && syncing.snapshot() == null && !syncing.entries().isEmpty()) {
      List<Entry> unsynced = syncing.entries();
      int kept = sim.rnd().nextInt(unsynced.size() + 1);
      if (kept > 0 && unsynced.get(0).index() >= disk.firstIndex()) {
        List<Entry> prefix = unsynced.subList(0, kept);
        disk.append(prefix);
        for (Entry e : prefix) {
          sim.checkPersisted(id, e, disk.term(e.index() - 1));
        }
        sim.trace(id, () -> "torn write kept entries " + prefix.get(0).index() + ".." + prefix.get(kept - 1).index());
      }
    }
    sim.trace(id, () -> "crash (" + why + ") lost unsynced="
        + (syncing == null ? "none" : syncing.entries().size() + " entries, hardState " + syncing.hardState()));
    raft = null;
    syncing = null;
    inbox.clear();
    sim.lease().crashed(id); // its connections close; a new process starts with no liveness state
    readsByContext.clear();
    confirmedReads.clear();
    writeAcks.clear();
    incarnation++;
  }

  /**
   * The disk is lost while the node is down: its storage is replaced by an empty one (no log, hard
   * state or snapshot) and it will run {@code newMember}. Returns the lost disk.
   */
  MemoryLogStorage wipe(int newMember) {
    assert raft == null : "node=" + id + " reason=wipe-while-up";
    MemoryLogStorage lost = disk;
    disk = new MemoryLogStorage();
    durableCommit = 0;
    member = newMember;
    return lost;
  }

  boolean up() {
    return raft != null;
  }

  /** Queues an input for the node's next loop (message, proposal, read, leadership call). */
  void submit(Runnable input) {
    if (raft == null) {
      return;
    }
    inbox.add(input);
    scheduleLoop();
  }

  void deliver(Message m) {
    if (raft == null || m.to() != member) {
      return; // down, or addressed to a directory this node no longer runs (KIP-853 checks the directory id)
    }
    submit(() -> {
      sim.trace(id, () -> "recv " + m);
      sim.nodeEvent();
      raft.step(m);
    });
  }

  private void tick(int inc) {
    if (inc != incarnation) {
      return;
    }
    tickPending = true; // ticks that arrive while a loop runs long fold into one (time dilation)
    if (sim.peerLease() && ++timerTicks % sim.options().heartbeatTicks() == 0) {
      pingPeers();
      submit(this::leaseRound); // the broker's livenessRound is a driver task: it waits for the loop
    }
    scheduleLoop();
    sim.at(sim.now() + ClusterSimulation.TICK_MS, () -> tick(inc));
  }

  /** The timer thread's pings ({@code PeerLiveness.pingAll}): they leave even while the loop sits in an fsync. */
  private void pingPeers() {
    boolean stalled = sim.lease().stalled(syncing == null ? -1 : syncStartedMs, sim.now());
    for (int peer = 1; peer <= ClusterSimulation.NODES; peer++) {
      if (peer != id) {
        sim.ping(id, peer, stalled);
      }
    }
  }

  /** {@code ReplicatedNode.livenessRound} with {@code raft.peer.lease} on: every peer alive keeps its leases. */
  private void leaseRound() {
    int alive = 0;
    for (int peer = 1; peer <= ClusterSimulation.NODES; peer++) {
      if (peer == id) {
        continue;
      }
      if (sim.lease().died(id, peer)) {
        int dead = peer;
        sim.trace(id, () -> "peer died " + dead);
        raft.leaderUnreachable(sim.host(peer).member, 0); // one group: rotation 0
      }
      if (sim.lease().alive(id, peer, sim.now())) {
        alive |= 1 << peer;
        raft.peerAlive(sim.host(peer).member);
      }
    }
    if (alive != peersAlive) {
      int now = alive;
      sim.trace(id, () -> "peers alive " + BitSet.valueOf(new long[] {now}));
      peersAlive = alive;
    }
  }

  private void scheduleLoop() {
    if (loopScheduled || syncing != null || raft == null) {
      return;
    }
    if (inbox.isEmpty() && !tickPending && !raft.hasReady()) {
      return;
    }
    loopScheduled = true;
    int inc = incarnation;
    sim.at(sim.now() + sim.rnd().nextInt(3), () -> loop(inc));
  }

  private void loop(int inc) {
    if (inc != incarnation) {
      return;
    }
    loopScheduled = false;
    while (!inbox.isEmpty() && raft != null) {
      inbox.poll().run();
    }
    if (raft == null) {
      return;
    }
    if (tickPending) {
      tickPending = false;
      sim.nodeEvent();
      raft.tick();
    }
    if (!raft.hasReady()) {
      return;
    }
    Ready rd = raft.ready();
    if (!rd.mustPersist()) {
      send(rd, true); // nothing to sync: everything leaves now
      finish(rd);
      return;
    }
    syncing = rd;
    syncStartedMs = sim.now();
    sim.trace(id, () -> "write entries=" + span(rd.entries()) + " hardState=" + rd.hardState()
        + (rd.snapshot() == null ? "" : " snapshot=" + rd.snapshot().index()));
    send(rd, true);
    long latency = sim.rnd().nextDouble() < sim.profile().fsyncTailRate() ? sim.profile().fsyncTailMs()
        : sim.rnd().nextInt(sim.profile().fsyncMaxMs() + 1);
    sim.at(sim.now() + latency, () -> synced(inc, rd));
  }

  private void synced(int inc, Ready rd) {
    if (inc != incarnation) {
      return;
    }
    sim.nodeEvent();
    if (sim.faulting() && sim.rnd().nextDouble() < sim.profile().fsyncErrorRate()) {
      crash("fsync-failed"); // the driver stops rather than send promises it could not keep
      return;
    }
    persist(rd);
    sim.trace(id, () -> "fsync done entries=" + span(rd.entries()));
    syncing = null;
    finish(rd);
  }

  private void finish(Ready rd) {
    send(rd, false);
    apply(rd);
    raft.advance(rd);
    maybeSnapshot();
    scheduleLoop();
  }

  private void send(Ready rd, boolean early) {
    for (Message m : rd.messages()) {
      if (m.type().sendableBeforeSync() == early) { // the production rule
        if (m.type() == MessageType.APPEND_RESPONSE && !m.reject()) {
          sim.checkAckDurable(this, m.index());
        }
        sim.send(m);
      }
    }
  }

  private static String span(List<Entry> entries) {
    return entries.isEmpty() ? "none" : entries.get(0).index() + ".." + entries.get(entries.size() - 1).index()
        + "@t" + entries.get(entries.size() - 1).term();
  }

  private void persist(Ready rd) {
    rd.snapshotChunks().forEach(disk::persistSnapshotChunk);
    if (rd.snapshot() != null) {
      disk.installReceivedSnapshot(rd.snapshot());
    }
    if (!rd.entries().isEmpty()) {
      disk.append(rd.entries());
      for (Entry e : rd.entries()) {
        sim.checkPersisted(id, e, disk.term(e.index() - 1));
      }
    }
    HardState hs = rd.hardState();
    if (hs != null) {
      if (hs.commit() < durableCommit) {
        sim.fail("durable-commit-regressed node=" + id + " from=" + durableCommit + " to=" + hs.commit());
      }
      durableCommit = hs.commit();
      disk.saveHardState(hs);
    }
    disk.sync();
  }

  private void apply(Ready rd) {
    if (!rd.committedEntries().isEmpty() || !rd.readStates().isEmpty()) {
      sim.trace(id, () -> "apply " + span(rd.committedEntries()) + " readStates=" + rd.readStates());
    }
    if (rd.snapshot() != null) {
      kv.restore(disk.snapshotData(), rd.snapshot().index());
    }
    for (Entry e : rd.committedEntries()) {
      sim.checkApplied(id, e);
      if (e.index() != kv.applied + 1) {
        sim.fail("apply-gap node=" + id + " index=" + e.index() + " applied=" + kv.applied);
      }
      String op = e.type() == EntryType.NORMAL ? kv.apply(e.index(), e.payload()) : null;
      kv.applied = e.index();
      Runnable ack = op == null ? null : writeAcks.remove(op);
      if (ack != null) {
        sim.writeAcknowledged(op, e.index());
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
    if (applied - disk.snapshotMeta().index() >= sim.profile().snapshotEvery()) {
      disk.createSnapshot(raft.snapshotMetaAt(applied), kv.snapshot());
      disk.compact(Math.max(disk.firstIndex() - 1, applied - sim.profile().snapshotKeep()));
    }
  }
}
