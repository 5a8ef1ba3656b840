package io.chronik.pipeline.driver;

import io.chronik.pipeline.commit.DurableWriter;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.SnapshotWork;
import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import io.chronik.raft.replication.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Adapts the raft core's {@link RaftNode} (with its {@link LogStorage}) to the driver. Persisting a
 * Ready writes entries, hard state and snapshot to the group's storage without syncing: the driver
 * syncs once for every group of the node (the storage's durability contract, group commit).
 *
 * <p>Payloads are copied into {@code byte[]} here because the core's entries own immutable arrays.
 */
public class RaftNodeGroup implements DrivenGroup<GroupMessage> {
  private final int groupId;
  /** Which of the groups that had this id it is (0 at the id's first use); every message carries it. */
  private final int incarnation;
  private final RaftNode node;
  private final LogStorage storage;
  private final DurableWriter wal;
  private volatile int leaderHint = RaftNode.NONE;
  private volatile Role roleHint = Role.FOLLOWER;
  /** Times the leader this replica knows changed to another known leader (driver thread; metrics). */
  private long leaderChanges;
  /** Size of the leader's image this replica installed last (driver thread; metrics). */
  private long installedSnapshotBytes;
  /** Snapshot work begun for the Ready being persisted by the worker ({@link #slowWork}), null when none. */
  private SnapshotWork snapshotWork;
  /** Messages of another incarnation of this group id dropped (driver thread writes; metrics). */
  private volatile long staleMessagesDropped;

  public RaftNodeGroup(int groupId, RaftNode node, LogStorage storage) {
    this(groupId, node, storage, null);
  }

  /**
   * @param wal if not null, every persisted entry and hard state is also written to it (etcd's
   *     MemoryStorage + WAL arrangement: the storage serves the core's reads, the write-ahead log is
   *     what the driver's one sync makes durable). Entry types and snapshots are not in the WAL
   *     frames and there is no replay yet: a durability path for tests and benchmarks.
   */
  public RaftNodeGroup(int groupId, RaftNode node, LogStorage storage, DurableWriter wal) {
    this(groupId, 0, node, storage, wal);
  }

  /**
   * @param incarnation which of the groups that had {@code groupId} this one is (the id was reused after
   *     its group was deleted): messages go out with it, and a message of another incarnation is dropped
   */
  public RaftNodeGroup(int groupId, int incarnation, RaftNode node, LogStorage storage, DurableWriter wal) {
    if (incarnation < 0) {
      throw new IllegalArgumentException("group=" + groupId + " incarnation=" + incarnation + " reason=negative");
    }
    this.groupId = groupId;
    this.incarnation = incarnation;
    this.node = node;
    this.storage = storage;
    this.wal = wal;
  }

  /** The core's Ready with the generic views the driver needs. */
  private static final class NodeReady implements GroupReady<GroupMessage> {
    private final int groupId;
    private final int incarnation;
    private final Ready ready;
    private final long term;

    NodeReady(int groupId, int incarnation, Ready ready, long term) {
      this.groupId = groupId;
      this.incarnation = incarnation;
      this.ready = ready;
      this.term = term;
    }

    @Override
    public boolean hasWrites() {
      return ready.mustPersist();
    }

    @Override
    public int entryCount() {
      return ready.entries().size();
    }

    @Override
    public long lastPersistedIndex() {
      List<Entry> entries = ready.entries();
      return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).index();
    }

    @Override
    public final long term() {
      return ready.hardState() != null ? ready.hardState().term() : term;
    }

    @Override
    public int messageCount() {
      return ready.messages().size();
    }

    @Override
    public GroupMessage message(int i) {
      return new GroupMessage(groupId, incarnation, ready.messages().get(i));
    }

    @Override
    public boolean sendableBeforeSync(int i) {
      io.chronik.raft.message.MessageType type = ready.messages().get(i).type();
      return type.sendableBeforeSync(); // they promise nothing about this node's disk
    }

    @Override
    public int messageTarget(int i) {
      return ready.messages().get(i).to();
    }

    @Override
    public long committedIndex() {
      List<Entry> committed = ready.committedEntries();
      return committed.isEmpty() ? 0 : committed.get(committed.size() - 1).index();
    }

    @Override
    public long committedTerm() {
      List<Entry> committed = ready.committedEntries();
      return committed.isEmpty() ? 0 : committed.get(committed.size() - 1).term();
    }

    @Override
    public long committedBytes() {
      long bytes = 0;
      for (Entry e : ready.committedEntries()) {
        bytes += e.payload().length;
      }
      return bytes;
    }
  }

  @Override
  public final int groupId() {
    return groupId;
  }

  @Override
  public final void tick() {
    node.tick();
  }

  /** Which of the groups that had this id this one is (0 at the id's first use). */
  public final int incarnation() {
    return incarnation;
  }

  /**
   * Feeds a peer's message to the core, unless another incarnation of this group id sent it: a deleted
   * group's append or vote (in flight, or from a node that has not applied the deletion yet) would make
   * this group take its term or its entries; a newer incarnation's would do the same to a group this node
   * has not deleted yet. Dropping is safe: to Raft it is a lost message.
   */
  @Override
  public final void step(GroupMessage message) {
    if (message.incarnation() != incarnation) {
      staleMessagesDropped++;
      return;
    }
    node.step(message.message());
  }

  /** Messages of another incarnation of this group id dropped since the group opened (any thread). */
  public final long staleMessagesDropped() {
    return staleMessagesDropped;
  }

  @Override
  public ProposeResult propose(AppendBatchView proposal) {
    List<byte[]> payloads = new ArrayList<>(proposal.size());
    for (int i = 0; i < proposal.size(); i++) {
      ByteBuffer payload = proposal.payload(i);
      byte[] copy = new byte[payload.remaining()];
      payload.get(payload.position(), copy);
      payloads.add(copy);
    }
    return node.propose(payloads);
  }

  @Override
  public final boolean transferring() {
    return node.transferring();
  }

  /** Reads the leader published with the last Ready: that is what a NOT_LEADER answer will name. */
  @Override
  public final boolean awaitingLeader() {
    return node.role() != Role.LEADER && (leaderHint == RaftNode.NONE || leaderHint == node.id());
  }

  @Override
  public long durableIndex() {
    return storage.durableIndex();
  }

  @Override
  public long term() {
    return node.term();
  }

  @Override
  public final boolean hasReady() {
    return node.hasReady();
  }

  @Override
  public final GroupReady<GroupMessage> ready() {
    return ready(Long.MAX_VALUE);
  }

  @Override
  public final GroupReady<GroupMessage> ready(long committedBytesMax) {
    Ready ready = node.ready(committedBytesMax);
    if (ready.leader() != leaderHint && ready.leader() != RaftNode.NONE) {
      leaderChanges++;
    }
    leaderHint = ready.leader();
    roleHint = ready.role();
    return new NodeReady(groupId, incarnation, ready, node.term());
  }

  /** The storage's part of a snapshot image handed to the driver's worker, until the Ready is persisted. */
  @Override
  public final Runnable slowWork(GroupReady<GroupMessage> groupReady) {
    Ready ready = ((NodeReady) groupReady).ready;
    if (ready.snapshot() == null && ready.snapshotChunks().isEmpty()) {
      return null;
    }
    snapshotWork = storage.beginSnapshotWork(ready.snapshotChunks(), ready.snapshot());
    return snapshotWork == null ? null : snapshotWork::run;
  }

  @Override
  public void persist(GroupReady<GroupMessage> groupReady) {
    Ready ready = ((NodeReady) groupReady).ready;
    if (snapshotWork != null) {
      SnapshotWork work = snapshotWork;
      snapshotWork = null;
      long installed = storage.completeSnapshotWork(work); // its chunks and snapshot, done by the worker
      if (ready.snapshot() != null) {
        installedSnapshotBytes = installed;
      }
    } else {
      // chunks first: a small image arrives and installs with the same Ready
      ready.snapshotChunks().forEach(storage::persistSnapshotChunk);
      if (ready.snapshot() != null) {
        installedSnapshotBytes = storage.installReceivedSnapshot(ready.snapshot());
      }
    }
    if (!ready.entries().isEmpty()) {
      storage.append(ready.entries());
    }
    if (ready.hardState() != null) {
      storage.saveHardState(ready.hardState());
    }
    if (wal != null) {
      writeAhead(ready);
    }
  }

  private void writeAhead(Ready ready) {
    try {
      for (Entry entry : ready.entries()) {
        wal.append(groupId, entry.index(), entry.term(), ByteBuffer.wrap(entry.payload()));
      }
      HardState hardState = ready.hardState();
      if (hardState != null) {
        wal.hardState(groupId, hardState.term(), hardState.vote(), hardState.commit());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("group=" + groupId + " reason=wal-write-failed", e);
    }
  }

  @Override
  public final void advance(GroupReady<GroupMessage> groupReady) {
    node.advance(((NodeReady) groupReady).ready);
  }

  /** Bytes of the snapshot image the last persisted Ready installed (driver thread). */
  protected final long installedSnapshotBytes() {
    return installedSnapshotBytes;
  }

  /** The core's Ready behind a Ready this group handed out (for subclasses' persist and apply hooks). */
  public static Ready coreReady(GroupReady<GroupMessage> groupReady) {
    return ((NodeReady) groupReady).ready;
  }

  /** The core node (driver thread only). */
  protected final RaftNode node() {
    return node;
  }

  /** The group's storage (driver thread only). */
  protected final LogStorage storage() {
    return storage;
  }

  /**
   * Driver thread, while this node shuts down: if it leads, hands leadership to the voter whose log
   * matches furthest among those recently heard from and {@code eligible} (TimeoutNow once that voter
   * has every entry, Raft §3.10; until then the core refuses proposals, so nothing new is accepted
   * here that the successor would lack). Called again each round: a transfer the core abandoned after
   * an election timeout starts over, possibly to a better target.
   */
  public final Handoff handOffLeadership(IntPredicate eligible) {
    if (node.role() != Role.LEADER) {
      return Handoff.NOT_LEADER;
    }
    int best = RaftNode.NONE;
    long bestMatch = -1;
    for (int voter : node.configuration().voters()) {
      Progress pr = voter == node.id() ? null : node.progress(voter);
      if (pr != null && pr.recentActive() && eligible.test(voter) && pr.match() > bestMatch) {
        best = voter;
        bestMatch = pr.match();
      }
    }
    if (best == RaftNode.NONE) {
      return Handoff.NO_SUCCESSOR;
    }
    node.transferLeadership(best);
    return Handoff.TRANSFERRING;
  }

  /**
   * Driver thread: wakes the group if it is quiescent and {@code nodeId} is one of its members (a
   * peer went silent, or spoke again after a silence). Returns whether it woke.
   */
  public final boolean wakeIfMember(int nodeId) {
    if (!node.quiesced() || !node.configuration().members().contains(nodeId)) {
      return false;
    }
    node.wake();
    return true;
  }

  /** Driver thread: {@code nodeId}'s process pinged lately and its loop runs (see {@link RaftNode#peerAlive}). */
  public final void peerAlive(int nodeId) {
    node.peerAlive(nodeId);
  }

  /**
   * Driver thread: {@code nodeId}'s process is gone; if it led this group, the survivors stand in turns
   * rotated by the group id, so the dead node's groups spread over them (see RaftNode).
   */
  public final void leaderUnreachable(int nodeId) {
    node.leaderUnreachable(nodeId, groupId);
  }

  /** Driver thread: the group is quiescent on this node. */
  @Override
  public final boolean quiescent() {
    return node.quiesced();
  }

  /** The leader this node last saw in a Ready (readable from any thread; a hint for routing). */
  public int leaderHint() {
    return leaderHint;
  }

  /** This node's role as of its last Ready (readable from any thread). */
  public Role roleHint() {
    return roleHint;
  }

  /** Routes a message to its group (for the driver's inbound queue). */
  public static int groupOf(GroupMessage message) {
    return message.groupId();
  }

  // ------------------------------------------------------------------ read-only figures for metrics (driver thread)

  /** Times a new leader became known to this replica (including the first one after start). */
  public final long leaderChanges() {
    return leaderChanges;
  }

  /** Elections (pre-vote or vote campaigns) this replica started. */
  public final long electionsStarted() {
    return node.electionsStarted();
  }

  public final long commitIndex() {
    return node.commitIndex();
  }

  public final long lastIndex() {
    return node.lastIndex();
  }

  /** Entries held in the log (last index minus the first index still stored, plus one). */
  public final long logEntries() {
    return Math.max(0, node.lastIndex() - storage.firstIndex() + 1);
  }

  /** Voters and learners of the group's configuration. */
  public final java.util.SortedSet<Integer> members() {
    return node.configuration().members();
  }

  /**
   * Entries {@code peer} is behind this leader's last index, or -1 when this replica does not lead or
   * has no progress for the peer.
   */
  public final long entriesBehind(int peer) {
    if (node.role() != Role.LEADER || peer == node.id()) {
      return -1;
    }
    io.chronik.raft.replication.Progress p = node.progress(peer);
    return p == null ? -1 : Math.max(0, node.lastIndex() - p.match());
  }
}
