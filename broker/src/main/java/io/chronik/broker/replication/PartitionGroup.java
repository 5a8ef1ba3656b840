package io.chronik.broker.replication;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Ready;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogSlice;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * One Kafka partition replica as a Raft group. Each log entry is a produce request's record batches
 * for this partition (an empty entry is a leader's no-op). The leader assigns Kafka offsets when it
 * proposes: the next offset is a function of the log prefix, so every replica holding the same prefix
 * agrees on every offset, and a new leader continues from its own log tail. Leader epoch = term.
 *
 * <p>Driver thread only, except the volatile hints and the {@link PartitionReadIndex}, which readers
 * on other threads use.
 *
 * <p>The offsets a leader assigns and the producer state they go with are the {@link AccountedTail}'s;
 * this group publishes committed entries to readers, takes snapshots and runs retention and compaction.
 */
public final class PartitionGroup extends RaftNodeGroup {
  private final TopicPartition partition;
  private final DurableLogStorage durable;
  private final NodeStorageSync sync;
  private final PartitionReadIndex readIndex = new PartitionReadIndex();
  private final AccountedTail accounted;
  private volatile long logEndOffset;
  private volatile long termHint;
  /** Term of the last entry applied: equal to the current term once this term's no-op is committed. */
  private volatile long appliedTerm = -1;
  /** Driver thread writes (a move's end changes it), the balancer and ElectLeaders read there too. */
  private int preferredLeader;
  /** A snapshot is taken once this many entries were applied after the last one. */
  private final long snapshotIntervalEntries;
  /** Raft index of the latest snapshot (0: none) and the offset after its last record. */
  private long snapshotIndex;
  private long snapshotNextOffset;
  /** Last applied Raft index and the offset after the last record at or below it. */
  private long appliedIndex;
  private long appliedNextOffset;
  private long snapshotsTaken;
  /** Whether this replica opened from a stored snapshot; leader snapshots it persisted (metrics). */
  private boolean openedFromSnapshot;
  /** The open loaded the read index from the file of the last clean close ({@link PartitionIndexFile}). */
  private boolean indexFromFile;
  private long snapshotsInstalled;
  private long snapshotBytesInstalled;
  /** First offset readers may ask for: only ever raised, by committed {@link LogStartMarker}s. */
  private volatile long logStartOffset;
  private final SegmentRetention retention;
  private final KeyCompaction compaction;
  /** A marker was applied or a snapshot taken since segments were last considered for deletion. */
  private boolean compactionDue;
  private long staleAppendsRefused;
  /** Closed: its partition was deleted (or the node stops); its storage is gone. */
  private boolean closed;

  /** Default {@link #snapshotIntervalEntries} (broker key {@code raft.snapshot.interval.entries}). */
  static final long SNAPSHOT_INTERVAL_ENTRIES = 10_000;

  PartitionGroup(int groupId, TopicPartition partition, RaftNode node, DurableLogStorage storage,
      NodeStorageSync sync) {
    this(groupId, partition, node, storage, sync, RaftNode.NONE, SNAPSHOT_INTERVAL_ENTRIES);
  }

  /**
   * @param preferredLeader the first replica of the partition's list (placement spreads them), or NONE
   * @param snapshotIntervalEntries applied entries between two snapshots of the producer state
   */
  PartitionGroup(int groupId, TopicPartition partition, RaftNode node, DurableLogStorage storage,
      NodeStorageSync sync, int preferredLeader, long snapshotIntervalEntries) {
    this(groupId, 0, partition, node, storage, sync, preferredLeader, snapshotIntervalEntries);
  }

  /** @param incarnation which of the groups that had {@code groupId} this one is ({@link TopicSpec.PartitionSpec}) */
  PartitionGroup(int groupId, int incarnation, TopicPartition partition, RaftNode node, DurableLogStorage storage,
      NodeStorageSync sync, int preferredLeader, long snapshotIntervalEntries) {
    super(groupId, incarnation, node, storage, null);
    if (snapshotIntervalEntries < 1) {
      throw new IllegalArgumentException("snapshotIntervalEntries=" + snapshotIntervalEntries + " reason=must-be-positive");
    }
    this.preferredLeader = preferredLeader;
    this.partition = partition;
    this.durable = storage;
    this.sync = sync;
    this.snapshotIntervalEntries = snapshotIntervalEntries;
    this.retention = new SegmentRetention(storage, readIndex);
    this.compaction = new KeyCompaction(storage, readIndex);
    this.accounted = new AccountedTail(partition, storage, this::scanTailBefore);
    recoverTail(true);
    PartitionIndexFile.delete(durable.log()); // used or not, before any write: PartitionIndexFile, "Never stale"
    openedFromSnapshot = snapshotIndex > 0;
  }

  /** First offset of the log as of the applied entries (readable from any thread; never decreases). */
  public long logStartOffset() {
    return logStartOffset;
  }

  /** Snapshots this replica stored since it opened (driver thread; tests and metrics). */
  long snapshotsTaken() {
    return snapshotsTaken;
  }

  /** This replica's state started from a stored snapshot when it opened (driver thread; metrics). */
  boolean openedFromSnapshot() {
    return openedFromSnapshot;
  }

  /** This replica's log opened from the summary its last clean close left, reading no segment. */
  boolean openedFromLogSummary() {
    return durable.log().recoveryReport().fromSummary();
  }

  /** The read index came from the last clean close's file, not from the log (driver thread; metrics). */
  boolean indexFromFile() {
    return indexFromFile;
  }

  /** Leader snapshots (InstallSnapshot) this replica persisted since it opened (driver thread; metrics). */
  long snapshotsInstalled() {
    return snapshotsInstalled;
  }

  /** Leader snapshot images this replica received whole but refused (whole-image CRC mismatch; metrics). */
  long snapshotImagesRefused() {
    return durable.snapshotImagesRefused();
  }

  /** Bytes of the leader snapshot images this replica installed (driver thread; metrics). */
  long snapshotBytesInstalled() {
    return snapshotBytesInstalled;
  }

  public TopicPartition partition() {
    return partition;
  }

  /** Producer state as of the log tail (driver thread; tests). */
  ProducerSequences producerSequences() {
    return accounted.sequences();
  }

  public PartitionReadIndex readIndex() {
    return readIndex;
  }

  /** Offset after the last record in this replica's log, committed or not (readable from any thread). */
  public long logEndOffset() {
    return logEndOffset;
  }

  /** This replica leads the group as of its last Ready (readable from any thread). */
  public boolean leading() {
    return roleHint() == Role.LEADER;
  }

  /**
   * Leads and has committed an entry of its own term (readable from any thread). Until then a new
   * leader's commit index may lag what an earlier leader already committed and acknowledged (Raft
   * §5.4.2): its high watermark and epoch end offsets would be too low, and a consumer told so would
   * take it for a truncation and re-read. Kafka answers OFFSET_NOT_AVAILABLE in that window, as we do.
   */
  public boolean leaderCaughtUp() {
    return leading() && appliedTerm == termHint;
  }

  /** The first replica of the partition's list (placement spreads them), or NONE. */
  int preferredLeader() {
    return preferredLeader;
  }

  /** The partition's replicas changed (a move is done): their first is preferred from now on (driver thread). */
  void preferredLeader(int nodeId) {
    preferredLeader = nodeId;
  }

  /** This replica's Raft node (driver thread: {@link LeaderPlacement} hands leadership over with it). */
  RaftNode raftNode() {
    return node();
  }

  /** Leader epoch = Raft term as of the last Ready (readable from any thread). */
  public int leaderEpoch() {
    return (int) termHint;
  }

  /**
   * Entries scanned at open to rebuild producer state: producers idle for longer are forgotten (then
   * accepted at any sequence, as Kafka does for expired producer state).
   */
  static final long RECOVERY_SCAN_ENTRIES = 20_000;

  /**
   * At open: offsets and producer state as of the log's last entry. With a snapshot, they start from
   * the snapshot and every entry after it is replayed (the read index gets the committed entries the
   * snapshot covers, which Raft will not apply again: at an open from the last clean close's file when it can
   * be trusted, {@link PartitionIndexFile}, else from storage); without one (a data dir from before snapshots)
   * the last {@link #RECOVERY_SCAN_ENTRIES} entries are scanned.
   */
  private void recoverTail(boolean opening) {
    long last = durable.lastIndex();
    long from = Math.max(durable.firstIndex(), last - RECOVERY_SCAN_ENTRIES + 1);
    long snapshotAt = durable.snapshotMeta().index();
    if (snapshotAt > 0) {
      PartitionSnapshot snapshot = PartitionSnapshot.decode(durable.snapshotData());
      accounted.startAt(snapshot.producerTable(), snapshot.nextOffset());
      snapshotIndex = snapshotAt;
      snapshotNextOffset = snapshot.nextOffset();
      logStartOffset = snapshot.logStartOffset();
      retention.raiseFloor(snapshot.compactionFloorIndex());
      compaction.apply(snapshot.cleaning());
      compactionDue = true;
      appliedIndex = snapshotAt;
      appliedNextOffset = snapshot.nextOffset();
      indexFromFile = opening && PartitionIndexFile.load(durable, new PartitionIndexFile.Expected(snapshotAt,
          appliedNextOffset, logStartOffset), readIndex, partition).isEmpty();
      if (!indexFromFile) {
        publishStored(durable.firstIndex(), snapshotAt);
      }
      readIndex.raiseHighWatermark(snapshot.nextOffset()); // the stored entries may hold no record at all
      from = snapshotAt + 1;
    }
    accounted.replay(from, last);
    // readers (fetch bounds, OffsetForLeaderEpoch) may ask before the first Ready is persisted
    logEndOffset = accounted.offset();
  }

  @Override
  public AppendBatchView admit(AppendBatchView proposal, CompletionRegistry registry) {
    AppendBatchView own = ownIncarnation(proposal, registry);
    return own.size() == 0 ? own : accounted.admit(own, registry, node());
  }

  /**
   * The appends published for this incarnation of the group id; the others (published for a deleted
   * topic that had the id, before the state thread learnt of the deletion) complete NOT_LEADER here:
   * the client refreshes its metadata and finds the topic gone.
   */
  private AppendBatchView ownIncarnation(AppendBatchView proposal, CompletionRegistry registry) {
    int[] kept = null;
    int keptCount = 0;
    for (int i = 0; i < proposal.size(); i++) {
      if (proposal.incarnation(i) == incarnation()) {
        if (kept != null) {
          kept[keptCount++] = i;
        }
        continue;
      }
      if (kept == null) {
        kept = new int[proposal.size()];
        for (int k = 0; k < i; k++) {
          kept[keptCount++] = k;
        }
      }
      registry.rejectOne(proposal, i, io.chronik.pipeline.completion.AppendStatus.NOT_LEADER);
      staleAppendsRefused++;
    }
    return kept == null ? proposal : new AdmittedBatch(proposal, kept, keptCount);
  }

  /** Appends published for another incarnation of this group id and refused (driver thread; tests, metrics). */
  long staleAppendsRefused() {
    return staleAppendsRefused;
  }

  @Override
  public ProposeResult propose(AppendBatchView proposal) {
    ProposeResult result = super.propose(proposal);
    logEndOffset = accounted.proposed(result, proposal.size(), node().term());
    return result;
  }

  @Override
  public void persist(GroupReady<GroupMessage> groupReady) {
    Ready ready = coreReady(groupReady);
    termHint = groupReady.term();
    if (ready.snapshot() != null) {
      installed(groupReady);
      return;
    }
    accounted.persisted(ready.entries(), node().commitIndex());
    logEndOffset = accounted.offset();
    super.persist(groupReady);
    sync.markDirty(durable);
  }

  /**
   * A leader's snapshot image (docs/REPLICATION.md "Catch-up by snapshot"): the read index lets go of
   * the old segments first, storage replaces the log by the image's entries and stores the snapshot
   * (crash-safe, {@link DurableLogStorage#installSnapshot}), then this replica's state is loaded from
   * storage as at a start: producer table and offsets from the snapshot, the retained committed
   * entries published, every entry after the snapshot replayed.
   */
  private void installed(GroupReady<GroupMessage> groupReady) {
    long startNanos = System.nanoTime();
    readIndex.clear();
    super.persist(groupReady);
    sync.markDirty(durable);
    snapshotsInstalled++;
    snapshotBytesInstalled += installedSnapshotBytes();
    accounted.clearRecent();
    recoverTail(false);
    org.slf4j.LoggerFactory.getLogger(PartitionGroup.class).info("partition={} snapshotIndex={} firstIndex={} "
        + "logStart={} bytes={} installMs={} reason=installed-leader-snapshot", partition, snapshotIndex,
        durable.firstIndex(), logStartOffset, installedSnapshotBytes(),
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  /** Offset after the last stored data entry below {@code index} (slow path: the stack ran dry). */
  private long scanTailBefore(long index) {
    for (long k = Math.min(index - 1, durable.lastIndex()); k >= durable.firstIndex(); k--) {
      if (k <= snapshotIndex) {
        return snapshotNextOffset;
      }
      Entry e = durable.entries(k, k + 1, Long.MAX_VALUE).get(0);
      if (BatchHeaders.isData(e)) {
        return BatchHeaders.nextOffset(ByteBuffer.wrap(e.payload()));
      }
    }
    return 0;
  }

  /** Publishes committed data entries to readers (driver thread, after the sync that covers them). */
  void apply(GroupReady<GroupMessage> groupReady) {
    if (closed) {
      // deleted by metadata entries the driver applied earlier in the same loop, with this Ready pending:
      // nothing of it is served any more (a restarted node replaying a deletion meets this)
      return;
    }
    termHint = groupReady.term();
    // the previous Ready was advanced, so everything applied so far is known to the core
    maybeSnapshot();
    List<Entry> committed = coreReady(groupReady).committedEntries();
    if (!committed.isEmpty()) {
      publish(committed);
      Entry last = committed.get(committed.size() - 1);
      appliedIndex = last.index();
      // published after the read index, so a reader that sees the term sees everything it covers
      appliedTerm = last.term();
    }
    if (compactionDue) {
      compactionDue = false;
      retention.compact(logStartOffset, snapshotIndex);
    }
  }

  /** This replica's retention settings (driver thread; from its topic's configs). */
  void retentionPolicy(RetentionPolicy policy) {
    retention.policy(policy);
  }

  RetentionPolicy retentionPolicy() {
    return retention.policy();
  }

  /** Replicas further behind than this no longer hold segments on the leader (driver thread; a setting). */
  void catchupHoldEntries(long entries) {
    retention.catchupHoldEntries(entries);
  }

  /**
   * Driver thread, every log.retention.check.interval.ms: rolls an old active segment; a caught-up
   * leader proposes a new log start when retention allows one. Returns whether it proposed.
   */
  boolean checkRetention(long nowMs) {
    retention.rollIfOld(nowMs);
    if (retention.snapshotDue(logStartOffset) && appliedIndex <= node().appliedIndex()) {
      takeSnapshot();
      if (retention.snapshotDue(logStartOffset)) {
        // the fallback generation still names an older log start: deletion waits for both, and a second
        // snapshot now (same index, a tiny file) saves a whole check interval of segments past retention
        takeSnapshot();
      }
      compactionDue = false;
      retention.compact(logStartOffset, snapshotIndex);
    }
    return leaderCaughtUp() && node().role() == Role.LEADER
        && retention.proposeIfDue(node(), logStartOffset, appliedIndex, nowMs);
  }

  /** Key compaction of this replica: its policy from the topic's configs, its counters (driver thread). */
  KeyCompaction compaction() {
    return compaction;
  }

  /**
   * Driver thread, every log.cleaner.backoff.ms: a caught-up leader of a compacted partition proposes a
   * cleaning point when due; every replica cleans closed segments below the latest applied one on the node's
   * {@code cleaner} thread. Returns whether a marker was proposed.
   */
  boolean checkCompaction(long nowMs, java.util.concurrent.Executor cleaner) {
    boolean proposed = leaderCaughtUp() && node().role() == Role.LEADER
        && compaction.proposeIfDue(node(), logStartOffset, appliedIndex, nowMs);
    compaction.clean(nowMs, node().commitIndex(), cleaner);
    return proposed;
  }

  /** Index of this replica's first retained Raft entry (driver thread; tests). */
  long firstIndex() {
    return durable.firstIndex();
  }

  /**
   * Stores a snapshot at the applied index once {@link #snapshotIntervalEntries} entries were applied
   * since the last one: the producer table as of that index, so a restart replays only the entries
   * after it and dedupe holds for producers however long ago they wrote. The log is kept (its entries
   * are the partition's records; only retention drops them, see {@link SegmentRetention}).
   */
  private void maybeSnapshot() {
    if (appliedIndex - snapshotIndex >= snapshotIntervalEntries && appliedIndex <= node().appliedIndex()) {
      takeSnapshot();
    }
  }

  /** Stores a snapshot at the applied index (the core must know it applied that far). */
  private void takeSnapshot() {
    PartitionSnapshot snapshot = new PartitionSnapshot(appliedNextOffset, logStartOffset,
        retention.compactionFloorIndex(), compaction.marker(), accounted.sequences().encode(appliedIndex));
    durable.createSnapshot(node().snapshotMetaAt(appliedIndex), snapshot.encode());
    snapshotIndex = appliedIndex;
    snapshotNextOffset = appliedNextOffset;
    snapshotsTaken++;
    compactionDue = true;
  }

  /** Publishes the stored entries {@code [from, through]} (committed) to the read index. */
  private void publishStored(long from, long through) {
    for (long index = from; index <= through; ) {
      List<Entry> chunk = durable.entries(index, through + 1, 16L << 20);
      publish(chunk);
      index += chunk.size();
    }
  }

  private void publish(List<Entry> committed) {
    SegmentedLog log = durable.log();
    LogSlice slice = null;
    long remainingBytes = 0;
    for (Entry e : committed) {
      remainingBytes += e.payload().length;
    }
    try {
      for (Entry e : committed) {
        if (slice == null || e.index() > slice.lastIndex()) {
          slice = log.slice(e.index(), Math.max(1, remainingBytes));
        }
        remainingBytes -= e.payload().length;
        ByteBuffer payload = ByteBuffer.wrap(e.payload());
        if (e.type() != EntryType.NORMAL) {
          continue; // a membership change (partition move): the core applies it
        }
        if (!BatchHeaders.isData(e)) {
          if (LogStartMarker.is(payload)) {
            // capped at the records before it: the same value on every replica, whatever was asked
            logStartOffset = Math.max(logStartOffset, Math.min(LogStartMarker.offset(payload), appliedNextOffset));
            retention.raiseFloor(LogStartMarker.compactionFloorIndex(payload));
            compactionDue = true;
          } else if (CleaningMarker.is(payload)) {
            compaction.apply(CleaningMarker.decode(payload));
          }
          continue;
        }
        int region = (int) (e.index() - slice.firstIndex());
        appliedNextOffset = BatchHeaders.nextOffset(payload);
        readIndex.add(BatchHeaders.baseOffset(payload), appliedNextOffset, e.term(),
            BatchHeaders.maxTimestamp(payload), slice.channel(), slice.position(region), slice.length(region));
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("partition=" + partition + " reason=read-index-failed", ex);
    }
  }

  /** {@code force}: a clean stop first makes the whole log durable ({@link CleanShutdownRecord}). */
  void close(boolean force) throws IOException {
    closed = true;
    compaction.close();
    if (force) {
      PartitionIndexFile.closeClean( // forced whole, the log's summary and this index's file left for the next start
          durable, readIndex, snapshotIndex, snapshotNextOffset, partition);
    } else {
      durable.close();
    }
  }
}
