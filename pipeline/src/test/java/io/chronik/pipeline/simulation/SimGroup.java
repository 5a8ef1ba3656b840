package io.chronik.pipeline.simulation;

import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;

/**
 * The production {@link RaftNodeGroup}, unchanged, plus read access to its core for the oracle's
 * invariants (role and term right after a loop: hints are what production routes by, but election
 * safety must be judged on the core's own state).
 */
final class SimGroup extends RaftNodeGroup {
  SimGroup(int groupId, RaftNode node, DurableLogStorage storage) {
    super(groupId, node, storage);
  }

  Role role() {
    return node().role();
  }

  long appliedIndex() {
    return node().appliedIndex();
  }
}
