package io.chronik.broker.replication;

import io.chronik.raft.log.Entry;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Retention of one partition replica, on the driver thread. The leader decides a new log start from
 * whole closed, committed segments (time: the newest batch timestamp in the segment; size: the bytes
 * of the segments kept) and proposes it as a {@link LogStartMarker} with a compaction floor, the Raft
 * index every replica within {@link #catchupHoldEntries} of the commit index had matched and that was
 * committed. Every replica, once it applied the marker, deletes its own whole segments below all three
 * bounds: the log start (no record at or above it is ever deleted), the floor (a replica that is close
 * behind gets the entries by appends), its latest snapshot (the previous snapshot generation, in
 * fact: {@link DurableLogStorage#compact} keeps the fallback's entries) and the log start of both
 * snapshot generations (a replica restarting from one serves from its log start). A replica further behind (a
 * stopped node) holds nothing: when back it needs entries the leader deleted and gets InstallSnapshot
 * of the snapshot plus the retained records ({@link DurableLogStorage#shipRetainedEntries}).
 */
final class SegmentRetention {
  private final DurableLogStorage durable;
  private final PartitionReadIndex readIndex;
  private RetentionPolicy policy = RetentionPolicy.UNLIMITED;
  /** Highest floor a committed marker named (only raised). */
  private long compactionFloorIndex;
  /** Raft index of this leader's last marker; no new one until it is applied. */
  private long markerPendingIndex;
  private long activeBaseIndex = -1;
  private long activeSeenMs;
  /** A replica further behind the commit index than this no longer holds the floor. */
  private long catchupHoldEntries = DEFAULT_CATCHUP_HOLD_ENTRIES;

  /** Default of {@link #catchupHoldEntries} (broker key {@code raft.catchup.hold.entries}). */
  static final long DEFAULT_CATCHUP_HOLD_ENTRIES = 100_000;

  SegmentRetention(DurableLogStorage durable, PartitionReadIndex readIndex) {
    this.durable = durable;
    this.readIndex = readIndex;
  }

  void policy(RetentionPolicy policy) {
    this.policy = policy;
    durable.log().rollBytes(policy.segmentBytes());
  }

  RetentionPolicy policy() {
    return policy;
  }

  void catchupHoldEntries(long entries) {
    catchupHoldEntries = entries;
  }

  long compactionFloorIndex() {
    return compactionFloorIndex;
  }

  /** From the snapshot at open, or an applied marker. */
  void raiseFloor(long floorIndex) {
    compactionFloorIndex = Math.max(compactionFloorIndex, floorIndex);
  }

  /** Rolls the active segment once it is older than segment.ms (counted from when this replica saw it). */
  void rollIfOld(long nowMs) {
    List<SegmentedLog.SegmentSpan> spans = durable.log().segmentSpans();
    if (spans.isEmpty()) {
      return;
    }
    SegmentedLog.SegmentSpan active = spans.get(spans.size() - 1);
    if (active.baseIndex() != activeBaseIndex) {
      activeBaseIndex = active.baseIndex();
      activeSeenMs = nowMs;
    } else if (active.lastIndex() >= active.baseIndex() && nowMs - activeSeenMs >= policy.segmentMs()) {
      durable.log().rollBeforeNextAppend();
      activeSeenMs = nowMs;
    }
  }

  /**
   * Leader, caught up: proposes a marker when retention moves the log start, or when the floor can
   * now reach segments already below it. Returns whether one was proposed.
   */
  boolean proposeIfDue(RaftNode node, long logStart, long appliedIndex, long nowMs) {
    if (appliedIndex < markerPendingIndex) {
      return false;
    }
    long commit = node.commitIndex();
    long start = Math.max(logStart, logStartFor(commit, logStart, nowMs));
    long floor = commonIndex(node, commit, catchupHoldEntries);
    boolean floorHelps = floor > compactionFloorIndex && start > 0
        && closedSegmentEndsIn(compactionFloorIndex, Math.min(floor, lastIndexBelow(start)));
    if (start <= logStart && !floorHelps) {
      return false;
    }
    io.chronik.raft.node.ProposeResult proposed = node.propose(LogStartMarker.encode(start, floor).array());
    if (proposed.isAccepted()) {
      markerPendingIndex = proposed.firstIndex();
    }
    return proposed.isAccepted();
  }

  /** A closed segment's last index lies in {@code (after, through]}: a floor there deletes it. */
  private boolean closedSegmentEndsIn(long after, long through) {
    List<SegmentedLog.SegmentSpan> spans = durable.log().segmentSpans();
    for (SegmentedLog.SegmentSpan s : spans.subList(0, Math.max(0, spans.size() - 1))) {
      if (s.lastIndex() > after && s.lastIndex() <= through) {
        return true;
      }
    }
    return false;
  }

  /**
   * Highest committed index held (matched) by every voter that is at most {@code holdEntries} behind
   * the commit index; voters further behind are left out (they will catch up by snapshot).
   */
  static long commonIndex(RaftNode node, long commit, long holdEntries) {
    long common = commit;
    for (int voter : node.configuration().voters()) {
      if (voter != node.id()) {
        io.chronik.raft.replication.Progress p = node.progress(voter);
        long match = p == null ? 0 : p.match();
        if (commit - match <= holdEntries) {
          common = Math.min(common, match);
        }
      }
    }
    return common;
  }

  /**
   * The log start retention allows: the offset after the last whole closed segment (all committed)
   * that is past retention.ms or not needed to keep retention.bytes; {@code logStart} when none.
   */
  long logStartFor(long commitIndex, long logStart, long nowMs) {
    List<SegmentedLog.SegmentSpan> spans = durable.log().segmentSpans();
    long total = 0;
    for (SegmentedLog.SegmentSpan s : spans) {
      total += s.bytes();
    }
    long start = logStart;
    long previousEnd = logStart;
    for (SegmentedLog.SegmentSpan s : spans.subList(0, Math.max(0, spans.size() - 1))) {
      if (s.lastIndex() > commitIndex || s.lastIndex() < durable.firstIndex()) {
        break;
      }
      long end = offsetAfter(s.lastIndex(), previousEnd);
      if (end <= logStart) {
        total -= s.bytes(); // already below the log start, waiting for the floor or a snapshot
        continue;
      }
      boolean bySize = policy.retentionBytes() >= 0 && total - s.bytes() >= policy.retentionBytes();
      long newest = readIndex.maxTimestamp(Math.max(previousEnd, logStart), end);
      boolean byTime = policy.retentionMs() >= 0 && newest < nowMs - policy.retentionMs();
      if (!bySize && !byTime) {
        break;
      }
      start = end;
      previousEnd = end;
      total -= s.bytes();
    }
    return start;
  }

  /**
   * Every replica, after applying a marker or taking a snapshot: trims the read index below the log
   * start, then deletes whole segments below the floor, the snapshot and the log start of both stored
   * snapshot generations. Not below the current log start: a replica that restarts from its snapshot
   * (or, the newest found damaged, from the fallback) serves from that snapshot's log start until it
   * applies the marker again, and must hold the records there.
   */
  void compact(long logStart, long snapshotIndex) {
    if (logStart <= 0) {
      return;
    }
    readIndex.trimBelow(logStart); // before any segment file under it is closed
    long through = Math.min(Math.min(compactionFloorIndex, snapshotIndex), lastIndexBelow(snapshotsLogStart()));
    if (through >= durable.firstIndex()) {
      durable.compact(through);
    }
  }

  /**
   * Whether a snapshot is needed before segments below {@code logStart} can go: a stored generation
   * still names an older log start, or fewer than two generations are stored, and entries wholly below
   * {@code logStart} are still stored. The entry interval alone is not enough: an idle partition takes no
   * snapshot by it, and a busy one with large batches wrote many segments past retention before its first
   * (a minute of a retention soak held 25 MiB against 8 MiB of retention.bytes).
   */
  boolean snapshotDue(long logStart) {
    return logStart > 0 && snapshotsLogStart() < logStart && lastIndexBelow(logStart) >= durable.firstIndex();
  }

  /** The lower log start of the stored snapshot generations (0: no snapshot, or no fallback yet). */
  private long snapshotsLogStart() {
    byte[] fallback = durable.fallbackSnapshotData();
    if (durable.snapshotMeta().index() == 0 || fallback == null) {
      return 0;
    }
    return Math.min(PartitionSnapshot.logStartOffsetOf(durable.snapshotData()),
        PartitionSnapshot.logStartOffsetOf(fallback));
  }

  /** Last index whose entries hold only records below {@code offset} (firstIndex-1 when none). */
  private long lastIndexBelow(long offset) {
    try {
      long holding = durable.log().floorIndexForKey(offset);
      return holding < 0 ? durable.firstIndex() - 1 : holding - 1;
    } catch (IOException e) {
      throw new UncheckedIOException("offset=" + offset + " reason=key-lookup-failed", e);
    }
  }

  /** Offset after the last record at or below {@code index}, or {@code fallback} when none is stored. */
  private long offsetAfter(long index, long fallback) {
    for (long k = index; k >= durable.firstIndex(); k--) {
      Entry e = durable.entries(k, k + 1, Long.MAX_VALUE).get(0);
      if (BatchHeaders.isData(e)) {
        return BatchHeaders.nextOffset(ByteBuffer.wrap(e.payload()));
      }
    }
    return fallback;
  }
}
