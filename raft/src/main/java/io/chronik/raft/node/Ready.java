package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import java.util.List;

/**
 * Work the driver must do for one group, in the order of the
 * {@link io.chronik.raft.log.LogStorage durability contract}: persist {@code snapshotChunks}, then
 * install {@code snapshot} (in that order: a small image arrives and installs with one Ready), persist
 * {@code entries} and {@code hardState} and sync; then send {@code messages}; then apply
 * {@code committedEntries} (and install {@code snapshot} into the state machine), serve
 * {@code readStates}; then {@link RaftNode#advance(Ready)}.
 *
 * @param hardState        null if unchanged since the last Ready
 * @param entries          to append to storage (may replace a conflicting suffix)
 * @param snapshot         null, or a snapshot from the leader to install in storage and state machine: its
 *                         image was received whole in earlier chunks ({@code LogStorage.installReceivedSnapshot})
 * @param snapshotChunks   chunks of a leader's snapshot image, in order, for {@code LogStorage.persistSnapshotChunk}
 * @param committedEntries to apply, in order; all are already durable on this node
 * @param messages         to send once the writes above are durable
 * @param readStates       confirmed ReadIndex requests of this node
 * @param role             current role, leader the current leader id or -1
 */
public record Ready(
    HardState hardState,
    List<Entry> entries,
    SnapshotMeta snapshot,
    List<SnapshotChunk> snapshotChunks,
    List<Entry> committedEntries,
    List<Message> messages,
    List<ReadState> readStates,
    Role role,
    int leader) {

  /** True if the driver must write to storage before sending. */
  public boolean mustPersist() {
    return hardState != null || !entries.isEmpty() || snapshot != null || !snapshotChunks.isEmpty();
  }
}
