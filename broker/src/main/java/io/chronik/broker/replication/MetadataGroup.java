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
import java.util.function.Consumer;

/**
 * The cluster's metadata Raft group (group 0, every node a voter): applies {@link MetadataCommand}s in
 * log order and serves linearizable reads (ReadIndex: a read waits until the leader confirmed its
 * leadership and this node applied up to the read index). Driver thread only, except the hints.
 */
final class MetadataGroup extends RaftNodeGroup {
  static final int GROUP_ID = 0;
  /** The metadata group's directory under the node's raft dir (and its key in the hard-state journal). */
  static final String DIR = "metadata";

  private final DurableLogStorage durable;
  private final NodeStorageSync sync;
  private final Consumer<MetadataCommand> applier;
  private final Map<Long, Runnable> readsAwaitingConfirm = new HashMap<>();
  private final ArrayDeque<long[]> readsAwaitingApply = new ArrayDeque<>();
  private final Map<Long, Runnable> confirmedReads = new HashMap<>();
  private long nextReadContext = 1;
  private long appliedIndex;

  MetadataGroup(RaftNode node, DurableLogStorage storage, NodeStorageSync sync, Consumer<MetadataCommand> applier) {
    super(GROUP_ID, node, storage);
    this.durable = storage;
    this.sync = sync;
    this.applier = applier;
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

  @Override
  public void persist(GroupReady<GroupMessage> groupReady) {
    super.persist(groupReady);
    sync.markDirty(durable);
  }

  void apply(GroupReady<GroupMessage> groupReady) {
    Ready ready = coreReady(groupReady);
    for (Entry e : ready.committedEntries()) {
      if (e.type() == EntryType.NORMAL && e.payload().length > 0) {
        applier.accept(MetadataCommand.decode(e.payload()));
      }
      appliedIndex = e.index();
    }
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

  void close() throws IOException {
    durable.close();
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
