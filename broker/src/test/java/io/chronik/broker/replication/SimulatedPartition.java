package io.chronik.broker.replication;

import io.chronik.pipeline.commit.DurableSync;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.Disk;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import org.apache.kafka.common.TopicPartition;

/**
 * One partition replica of one node process, opened the way {@code ReplicatedNode.openPartition} opens
 * it (a {@link PartitionGroup} over {@link DurableLogStorage} whose hard state lives in the node's
 * {@link HardStateJournal}, synced by the node's {@link NodeStorageSync}), for the broker simulation in
 * another package: the group's constructor and its apply hook are package-private, as production wants.
 */
public final class SimulatedPartition {
  private static final String NAME = "t-0";
  private final RaftNode node;
  private final DurableLogStorage storage;
  private final NodeStorageSync sync;
  private final PartitionGroup group;

  private SimulatedPartition(RaftNode node, DurableLogStorage storage, NodeStorageSync sync, PartitionGroup group) {
    this.node = node;
    this.storage = storage;
    this.sync = sync;
    this.group = group;
  }

  /** Opens (or reopens after a crash) partition t-0 of node {@code nodeId} from {@code raftDir} on {@code disk}. */
  public static SimulatedPartition open(Disk disk, Path raftDir, int nodeId, List<Integer> voters,
      RaftOptions options, LogConfig logConfig, long snapshotIntervalEntries, RandomGenerator random)
      throws IOException {
    // one force thread: forces run on the caller's thread, so a seeded run stays single-threaded
    NodeStorageSync sync = new NodeStorageSync(1, HardStateJournal.open(disk, raftDir));
    DurableLogStorage storage = DurableLogStorage.open(disk, raftDir.resolve(NAME), logConfig,
        e -> e.payload().length >= BatchHeaders.HEADER_BYTES ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload()))
            : LogEntry.NO_KEY, true, sync.journal().slot(NAME)).shipRetainedEntries(); // as PartitionStores
    RaftNode node = new RaftNode(nodeId, storage, Configuration.of(voters), options, random);
    PartitionGroup group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync, voters.get(0),
        snapshotIntervalEntries);
    return new SimulatedPartition(node, storage, sync, group);
  }

  /**
   * Retention as a topic config sets it (no time limits: simulated time is not wall time), and how far
   * behind a replica may fall before retention stops waiting for it (it then gets InstallSnapshot).
   */
  public void retention(long segmentBytes, long retentionBytes, long catchupHoldEntries) {
    group.retentionPolicy(new RetentionPolicy(-1, retentionBytes, segmentBytes, Long.MAX_VALUE));
    group.catchupHoldEntries(catchupHoldEntries);
  }

  /** What the broker's retention loop does for this replica (driver thread); whether a marker was proposed. */
  public boolean checkRetention(long nowMs) {
    return group.checkRetention(nowMs);
  }

  /** A DeleteRecords marker moving the log start to {@code offset}, as DeleteRecordsApi proposes it. */
  public static ByteBuffer deleteRecordsMarker(long offset) {
    return LogStartMarker.encode(offset);
  }

  /** The offset a committed entry's log-start marker names, or -1 when the entry is no marker. */
  public static long logStartNamedBy(byte[] payload) {
    ByteBuffer b = ByteBuffer.wrap(payload);
    return LogStartMarker.is(b) ? LogStartMarker.offset(b) : -1;
  }

  public PartitionGroup group() {
    return group;
  }

  /** The node's one fsync pass per driver loop. */
  public DurableSync sync() {
    return sync;
  }

  /** What {@code ReplicatedNode}'s applier does for a partition group. */
  public void apply(GroupReady<GroupMessage> ready) {
    if (ready.committedIndex() > 0) {
      group.apply(ready);
    }
  }

  /** The core's role right after a loop (hints are what production routes by; safety is judged on this). */
  public Role role() {
    return node.role();
  }

  public long appliedIndex() {
    return node.appliedIndex();
  }

  public long snapshotsTaken() {
    return group.snapshotsTaken();
  }

  public boolean openedFromSnapshot() {
    return group.openedFromSnapshot();
  }

  /** Producers the replica's idempotence table knows (as of its log tail). */
  public int producersKnown() {
    return group.producerSequences().producerCount();
  }

  public DurableLogStorage storage() {
    return storage;
  }
}
