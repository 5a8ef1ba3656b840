package io.chronik.broker.replication;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.GroupCommit;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's one fsync per driver loop: every group storage written during the loop is forced in one
 * {@link GroupCommit} pass (concurrent forces), then each writes its hard state if term or vote changed.
 * Driver thread only.
 */
final class NodeStorageSync implements DurableSync, AutoCloseable {
  private final GroupCommit groupCommit;
  private final List<DurableLogStorage> dirty = new ArrayList<>();
  private final List<SegmentedLog> logs = new ArrayList<>();
  private long passes;

  NodeStorageSync(int forceThreads) {
    this.groupCommit = new GroupCommit(forceThreads);
  }

  void markDirty(DurableLogStorage storage) {
    if (!dirty.contains(storage)) {
      dirty.add(storage);
    }
  }

  @Override
  public long sync() throws IOException {
    for (DurableLogStorage storage : dirty) {
      logs.add(storage.log());
    }
    try {
      groupCommit.syncAll(logs);
      for (DurableLogStorage storage : dirty) {
        storage.sync();
      }
    } finally {
      logs.clear();
      dirty.clear();
    }
    return ++passes;
  }

  @Override
  public void close() {
    groupCommit.close();
  }
}
