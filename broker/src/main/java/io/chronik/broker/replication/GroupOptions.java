package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.raft.node.RaftOptions;

/** The Raft options every group of a node runs with, from the broker's settings. */
final class GroupOptions {
  private GroupOptions() {}

  static RaftOptions of(BrokerConfig config) {
    return RaftOptions.defaults().toBuilder()
        .electionTicks(config.get(BrokerSettings.RAFT_ELECTION_TICKS))
        .heartbeatTicks(config.get(BrokerSettings.RAFT_HEARTBEAT_TICKS))
        .quiesce(config.get(BrokerSettings.RAFT_QUIESCE))
        .snapshotBytesPerTick(Math.max(1, config.get(BrokerSettings.RAFT_SNAPSHOT_SEND_BYTES_PER_SEC)
            / 1000 * config.get(BrokerSettings.RAFT_TICK_MS)))
        .snapshotChunkBytes(config.get(BrokerSettings.RAFT_SNAPSHOT_CHUNK_BYTES))
        .snapshotWindowBytes(config.get(BrokerSettings.RAFT_SNAPSHOT_WINDOW_BYTES))
        .heldBytesMax(config.get(BrokerSettings.RAFT_APPLY_HELD_BYTES))
        .build();
  }
}
