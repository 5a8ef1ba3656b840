package io.chronik.broker.partition;

import io.chronik.broker.replication.PartitionGroup;
import io.chronik.broker.replication.TopicSpec;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * A partition as the state thread sees it: its Raft group, its replicas and, when this node hosts a
 * replica, the replica's committed log (readable from here without locks) and leadership hints.
 * Leader epoch = Raft term; high watermark = the offset after the last committed record.
 */
public final class Partition {
  private final TopicPartition id;
  private final int groupId;
  private final int incarnation;
  private final List<Integer> replicas;
  private final TopicSpec.PartitionSpec spec;
  private final PartitionGroup replica;

  Partition(TopicPartition id, TopicSpec.PartitionSpec spec, PartitionGroup replica) {
    this.id = id;
    this.groupId = spec.groupId();
    this.incarnation = spec.incarnation();
    this.replicas = spec.replicas();
    this.spec = spec;
    this.replica = replica;
  }

  public TopicPartition id() {
    return id;
  }

  public int groupId() {
    return groupId;
  }

  /** Which of the groups that had {@link #groupId} this partition's is: appends are published for it. */
  public int incarnation() {
    return incarnation;
  }

  /** The replicas (preferred first); during a move the ones it started from. */
  public List<Integer> replicas() {
    return replicas;
  }

  /** A move (AlterPartitionReassignments) is under way. */
  public boolean moving() {
    return spec.moving();
  }

  /** The replicas as Kafka shows them (Metadata): during a move the target, then those being removed. */
  public List<Integer> shownReplicas() {
    return spec.shown();
  }

  /** During a move: the replicas it adds (Kafka's addingReplicas), else empty. */
  public List<Integer> adding() {
    return spec.adding();
  }

  /** During a move: the replicas it removes (Kafka's removingReplicas), else empty. */
  public List<Integer> removing() {
    return spec.removing();
  }

  /** This node hosts a replica. */
  public boolean hosted() {
    return replica != null;
  }

  /** This node's replica leads the partition (as of its last Raft Ready). */
  public boolean leading() {
    return replica != null && replica.leading();
  }

  /** The leader as this node last saw it, -1 if unknown; for non-hosted partitions the first replica. */
  public int leaderId() {
    if (replica == null) {
      return replicas.get(0);
    }
    int leader = replica.leaderHint();
    return leader < 0 ? -1 : leader;
  }

  /**
   * This node's replica leads and has committed an entry of its term, so its high watermark and epoch
   * end offsets cover every acknowledged write; before that, offset lookups answer OFFSET_NOT_AVAILABLE.
   */
  public boolean leaderCaughtUp() {
    return replica != null && replica.leaderCaughtUp();
  }

  public int leaderEpoch() {
    return replica == null ? 0 : replica.leaderEpoch();
  }

  /** First readable offset (DeleteRecords moved it through the partition's Raft log); never decreases. */
  public long logStartOffset() {
    return replica == null ? 0 : replica.logStartOffset();
  }

  /** Offset after the last record in this replica's log, committed or not. */
  public long logEndOffset() {
    return replica == null ? 0 : Math.max(replica.logEndOffset(), highWatermark());
  }

  public long highWatermark() {
    return replica == null ? 0 : replica.readIndex().highWatermark();
  }

  public MemoryRecords read(long offset, int bytesMax, boolean firstAlways) throws IOException {
    return replica.readIndex().read(offset, bytesMax, firstAlways);
  }

  /** Committed batches from {@code offset} as file regions (zero-copy fetch). */
  public io.chronik.broker.protocol.RegionRecords readRegions(long offset, int bytesMax, boolean firstAlways) {
    return replica.readIndex().readRegions(offset, bytesMax, firstAlways);
  }

  /** Offset after the committed batches from the one holding {@code offset} that make {@code bytes} (metrics). */
  public long offsetAfterBytes(long offset, long bytes) {
    return replica.readIndex().offsetAfterBytes(offset, bytes);
  }

  public long bytesAfter(long offset) {
    return replica == null ? 0 : replica.readIndex().bytesAfter(offset);
  }

  /** {epoch, endOffset} for OffsetForLeaderEpoch over committed data; {-1, -1} if unknown. */
  public long[] epochEnd(int epoch) {
    return replica.readIndex().epochEnd(epoch);
  }

  /** First offset whose record timestamp is at least {@code timestampMs}: {offset, timestamp}, or null. */
  public long[] offsetForTimestamp(long timestampMs) throws IOException {
    long entryOffset = replica.readIndex().entryOffsetForTimestamp(timestampMs);
    if (entryOffset < 0) {
      return null;
    }
    for (RecordBatch b : read(entryOffset, 1, true).batches()) {
      for (Record r : b) {
        if (r.timestamp() >= timestampMs) {
          return new long[] {r.offset(), r.timestamp()};
        }
      }
    }
    return null;
  }

  /** Offset and timestamp of the record with the largest timestamp, or null when empty. */
  public long[] offsetOfMaxTimestamp() throws IOException {
    long entryOffset = replica.readIndex().entryOffsetOfMaxTimestamp();
    if (entryOffset < 0) {
      return null;
    }
    long[] best = null;
    for (RecordBatch b : read(entryOffset, 1, true).batches()) {
      for (Record r : b) {
        if (best == null || r.timestamp() > best[1]) {
          best = new long[] {r.offset(), r.timestamp()};
        }
      }
    }
    return best;
  }
}
