package io.chronik.broker.replication;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.ReadState;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's metadata Raft group (group 0, every node a voter): applies {@link MetadataCommand}s in
 * log order and serves linearizable reads (ReadIndex: a read waits until the leader confirmed its
 * leadership and this node applied up to the read index). Driver thread only, except the hints.
 *
 * <p>Every {@code metadata.snapshot.interval.entries} applied entries it stores the whole image as a
 * {@link MetadataSnapshot} and compacts its log below it (the storage keeps the previous snapshot
 * generation's tail); a start loads the stored snapshot and replays only the entries after it, and a
 * follower behind the leader's compacted log gets the snapshot by InstallSnapshot and restores from it.
 */
final class MetadataGroup extends RaftNodeGroup {
  private static final Logger log = LoggerFactory.getLogger(MetadataGroup.class);
  static final int GROUP_ID = 0;
  /** The metadata group's directory under the node's raft dir (and its key in the hard-state journal). */
  static final String DIR = "metadata";

  private final DurableLogStorage durable;
  private final NodeStorageSync sync;
  private final StateMachine applier;
  /** A snapshot is taken once this many entries were applied after the last one. */
  private final long snapshotIntervalEntries;
  /** Raft index of the latest snapshot stored or installed (0: none). */
  private long snapshotIndex;
  /** The stored snapshot decoded at open, until the driver thread restored the image from it. */
  private MetadataSnapshot storedSnapshot;
  /** A leader's snapshot checked in {@link #persist}, restored into the image in {@link #apply}. */
  private MetadataSnapshot installedSnapshot;
  private long snapshotsTaken;
  private long snapshotsInstalled;
  private boolean openedFromSnapshot;
  private final Map<Long, Runnable> readsAwaitingConfirm = new HashMap<>();
  private final ArrayDeque<long[]> readsAwaitingApply = new ArrayDeque<>();
  private final Map<Long, Runnable> confirmedReads = new HashMap<>();
  private long nextReadContext = 1;
  private long appliedIndex;
  /**
   * The image holds every entry committed before the current leader's term: an entry of this node's
   * current term was applied (the leader's first), or the log was empty at open (nothing to replay).
   */
  private volatile boolean caughtUp;

  /** Default {@link #snapshotIntervalEntries} (broker key {@code metadata.snapshot.interval.entries}). */
  static final long SNAPSHOT_INTERVAL_ENTRIES = 10_000;

  /** What the metadata group's entries build up, and its snapshot (the {@link MetadataImage}). */
  interface StateMachine {
    void apply(MetadataCommand command);

    MetadataSnapshot snapshot();

    /** Replaces the state with the snapshot's (see {@link MetadataImage#restore}). */
    void restore(MetadataSnapshot snapshot);
  }

  /**
   * Decodes the stored snapshot at once, so that one this build cannot read stops the start with its
   * reason instead of the driver thread later (the snapshot file's own checksum already caught a torn or
   * damaged file and fell back to the previous generation, see {@code SnapshotFile}).
   */
  MetadataGroup(RaftNode node, DurableLogStorage storage, NodeStorageSync sync, StateMachine applier,
      long snapshotIntervalEntries) {
    super(GROUP_ID, node, storage);
    if (snapshotIntervalEntries < 1) {
      throw new IllegalArgumentException("snapshotIntervalEntries=" + snapshotIntervalEntries
          + " reason=must-be-positive");
    }
    this.durable = storage;
    this.sync = sync;
    this.applier = applier;
    this.snapshotIntervalEntries = snapshotIntervalEntries;
    this.snapshotIndex = storage.snapshotMeta().index();
    this.appliedIndex = snapshotIndex; // the core applies from the entry after the snapshot
    this.caughtUp = storage.lastIndex() == 0 && snapshotIndex == 0;
    if (snapshotIndex == 0 && storage.firstIndex() > 1) {
      // entries were compacted and no snapshot holds them: replaying the rest would build a partial image
      throw new IllegalStateException("group=metadata firstIndex=" + storage.firstIndex()
          + " reason=metadata-log-compacted-without-snapshot");
    }
    if (snapshotIndex > 0) {
      try {
        storedSnapshot = MetadataSnapshot.decode(storage.snapshotData());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("group=metadata snapshotIndex=" + snapshotIndex
            + " reason=stored-metadata-snapshot-unreadable detail=[" + e.getMessage() + "]", e);
      }
    }
  }

  boolean leading() {
    return roleHint() == Role.LEADER;
  }

  /**
   * Starts a linearizable read; {@code onReady} runs (on the driver thread) once this node has applied
   * everything committed before the read began. False when this node does not lead the group.
   */
  boolean read(Runnable onReady) {
    if (node().role() != Role.LEADER) {
      return false;
    }
    long context = nextReadContext++;
    if (!node().readIndex(context)) {
      return false;
    }
    readsAwaitingConfirm.put(context, onReady);
    return true;
  }

  /**
   * A leader's snapshot arrives in chunks the storage checks as a whole (the leader's CRC32C) before it is
   * installed; it is decoded right after the install: one that still does not decode stops this node (the
   * driver's failure fence) with its reason, and is never applied.
   */
  @Override
  public void persist(GroupReady<GroupMessage> groupReady) {
    Ready ready = coreReady(groupReady);
    super.persist(groupReady);
    sync.markDirty(durable);
    if (ready.snapshot() != null) {
      try {
        installedSnapshot = MetadataSnapshot.decode(durable.snapshotData());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("group=metadata snapshotIndex=" + ready.snapshot().index()
            + " reason=installed-metadata-snapshot-damaged detail=[" + e.getMessage() + "]", e);
      }
      snapshotsInstalled++;
    }
  }

  void apply(GroupReady<GroupMessage> groupReady) {
    loadStoredSnapshot();
    // the previous Ready was advanced, so everything applied so far is known to the core
    maybeSnapshot();
    Ready ready = coreReady(groupReady);
    if (ready.snapshot() != null && installedSnapshot != null) {
      applier.restore(installedSnapshot);
      installedSnapshot = null;
      appliedIndex = ready.snapshot().index();
      snapshotIndex = appliedIndex;
      caughtUp |= ready.snapshot().term() == node().term() && node().leader() != RaftNode.NONE;
      log.info("group=metadata snapshotIndex={} action=restored-from-leader-snapshot", snapshotIndex);
    }
    for (Entry e : ready.committedEntries()) {
      if (e.type() == EntryType.NORMAL && e.payload().length > 0) {
        applier.apply(MetadataCommand.decode(e.payload()));
      }
      appliedIndex = e.index();
      // the first entry of a known leader's term applied: everything committed before that term is in the image.
      // The leader must be known: right after a restart the stored term is stale and the node's own log may end
      // with that term's entries, while the cluster has moved on.
      caughtUp |= e.term() == node().term() && node().leader() != RaftNode.NONE;
    }
  }

  /** See {@link #caughtUp} (any thread). */
  boolean caughtUp() {
    return caughtUp;
  }

  /**
   * Driver thread, before anything else is applied (also offered as a task at start, so the topics are
   * there before the first Ready): the image from the stored snapshot. Idempotent.
   */
  void loadStoredSnapshot() {
    if (storedSnapshot == null) {
      return;
    }
    MetadataSnapshot snapshot = storedSnapshot;
    storedSnapshot = null;
    applier.restore(snapshot);
    openedFromSnapshot = true;
    log.info("group=metadata snapshotIndex={} firstIndex={} lastIndex={} topics={} action=loaded-snapshot",
        snapshotIndex, durable.firstIndex(), durable.lastIndex(), snapshot.topics().size());
  }

  /**
   * Stores the image at the applied index once {@link #snapshotIntervalEntries} entries were applied
   * since the last snapshot, then drops the log below it ({@link DurableLogStorage#compact} keeps what the
   * previous generation needs, should the newest file turn out damaged at the next start).
   */
  private void maybeSnapshot() {
    if (appliedIndex - snapshotIndex < snapshotIntervalEntries || appliedIndex > node().appliedIndex()) {
      return;
    }
    durable.createSnapshot(node().snapshotMetaAt(appliedIndex), applier.snapshot().encode());
    snapshotIndex = appliedIndex;
    snapshotsTaken++;
    durable.compact(snapshotIndex);
  }

  /** Snapshots this node stored since start (driver thread; metrics, tests). */
  long snapshotsTaken() {
    return snapshotsTaken;
  }

  /** Leader snapshots (InstallSnapshot) this node persisted since start (driver thread; metrics). */
  long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** The image started from a stored snapshot at this start (driver thread; metrics). */
  boolean openedFromSnapshot() {
    return openedFromSnapshot;
  }

  /** Raft index of the latest snapshot (0: none; driver thread). */
  long snapshotIndex() {
    return snapshotIndex;
  }

  /** Index of the first entry the log still holds (driver thread; above 1 once compacted). */
  long firstIndex() {
    return durable.firstIndex();
  }

  /** Serves confirmed reads; called after {@link #apply} for every Ready (also those without commits). */
  void serveReads(GroupReady<GroupMessage> groupReady) {
    for (ReadState rs : coreReady(groupReady).readStates()) {
      Runnable waiting = readsAwaitingConfirm.remove(rs.context());
      if (waiting != null) {
        confirmedReads.put(rs.context(), waiting);
        readsAwaitingApply.add(new long[] {rs.index(), rs.context()});
      }
    }
    while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peek()[0] <= appliedIndex) {
      confirmedReads.remove(readsAwaitingApply.poll()[1]).run();
    }
    if (node().role() != Role.LEADER && !readsAwaitingConfirm.isEmpty()) {
      // leadership lost: these reads will never be confirmed; their callers time out and retry
      readsAwaitingConfirm.clear();
    }
  }

  /** {@code force}: a clean stop first makes the whole log durable ({@link CleanShutdownRecord}). */
  void close(boolean force) throws IOException {
    if (force) {
      durable.closeClean(); // forced whole, and the log's summary left for the next start
    } else {
      durable.close();
    }
  }

  /** Driver thread: the group's configuration as this replica applied it. */
  io.chronik.raft.membership.Configuration configuration() {
    return node().configuration();
  }

  /** Driver thread: proposes a membership change (see {@link RaftNode#proposeConfiguration}); false if refused. */
  boolean proposeConfiguration(java.util.SortedSet<Integer> voters, java.util.SortedSet<Integer> learners) {
    return node().proposeConfiguration(voters, learners);
  }

  /** Driver thread, leader: {@code id} holds every committed entry (its match index reached the commit index). */
  boolean holdsEveryCommit(int id) {
    return node().progress(id) != null && node().progress(id).match() >= node().commitIndex();
  }

  /** Driver thread: the quorum as this replica knows it ({@link MetadataQuorum}). */
  MetadataQuorum quorum() {
    io.chronik.raft.node.RaftNode n = node();
    boolean leading = n.role() == io.chronik.raft.node.Role.LEADER;
    java.util.List<MetadataQuorum.Replica> voters = new java.util.ArrayList<>();
    java.util.List<MetadataQuorum.Replica> observers = new java.util.ArrayList<>();
    for (int id : n.configuration().members()) {
      long end = -1;
      boolean active = false;
      if (leading && id == n.id()) {
        end = n.lastIndex();
        active = true;
      } else if (leading && n.progress(id) != null) {
        // match 0: this leader has not heard where that log ends yet (a new leader, a dead follower);
        // KRaft answers -1 (unknown) there too, not 0
        long match = n.progress(id).match();
        end = match > 0 ? match : -1;
        active = n.progress(id).recentActive();
      }
      (n.configuration().isVoter(id) ? voters : observers).add(new MetadataQuorum.Replica(id, end, active));
    }
    return new MetadataQuorum(n.leader(), n.term(), n.commitIndex(), voters, observers);
  }
}
