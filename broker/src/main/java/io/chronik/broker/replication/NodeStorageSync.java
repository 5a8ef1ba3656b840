package io.chronik.broker.replication;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.GroupCommit;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The node's one fsync pass per driver loop: every group storage written during the loop is forced in
 * one {@link GroupCommit} pass (concurrent forces); then the hard states of the groups whose term or
 * vote changed go to the node's {@link HardStateJournal}, which one more force makes durable for all
 * of them (a mass election costs one journal write, not one atomic file replacement per group).
 * Driver thread only.
 */
final class NodeStorageSync implements DurableSync, AutoCloseable {
  private final GroupCommit groupCommit;
  private final HardStateJournal journal;
  /** Insertion-ordered identity set: a loop may touch thousands of groups, so no linear contains. */
  private final Set<DurableLogStorage> dirty = new LinkedHashSet<>();
  private final List<SegmentedLog> logs = new ArrayList<>();
  private long passes;

  NodeStorageSync(int forceThreads, HardStateJournal journal) {
    this.groupCommit = new GroupCommit(forceThreads);
    this.journal = journal;
  }

  void markDirty(DurableLogStorage storage) {
    dirty.add(storage);
  }

  HardStateJournal journal() {
    return journal;
  }

  @Override
  public long sync() throws IOException {
    for (DurableLogStorage storage : dirty) {
      logs.add(storage.log());
    }
    try {
      groupCommit.syncAll(logs);
      for (DurableLogStorage storage : dirty) {
        storage.stageHardState();
      }
      journal.sync();
    } finally {
      logs.clear();
      dirty.clear();
    }
    return ++passes;
  }

  @Override
  public void close() {
    groupCommit.close();
    try {
      journal.close();
    } catch (IOException e) {
      // the driver stopped before this: every record that was acknowledged is already forced
    }
  }
}
