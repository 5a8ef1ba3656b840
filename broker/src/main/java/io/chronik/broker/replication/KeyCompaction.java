package io.chronik.broker.replication;

import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.LogSlice;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka key compaction ({@code cleanup.policy=compact}) of one partition replica, on the driver thread.
 *
 * <p>The leader decides and replicates; every replica cleans. A caught-up leader proposes a
 * {@link CleaningMarker} once the bytes written since the last cleaning point reach
 * {@code min.cleanable.dirty.ratio} of the cleanable log; the point is an entry every voter holds and that
 * is committed, in one of the leader's closed segments, and older than {@code min.compaction.lag.ms}.
 * Each replica, once it applied a marker, rewrites its own closed segments below the point
 * ({@link SegmentedLog#rewriteSegment}: temp file, force, atomic rename): a record stays only if it is the
 * latest of its key below the point, tombstones below the marker's tombstone end go. The result is a
 * function of the committed records and the marker ({@link RecordCleaner}), so every replica serves the
 * same records once it cleaned, whichever of its segments were active when the marker came (those are
 * cleaned after they roll). Cleaning twice with the same or a later marker changes nothing more than
 * the later marker alone would, so a pass interrupted by a crash is simply redone.
 */
final class KeyCompaction {
  /** Closed segments rewritten per pass at most: bounds the time the driver thread spends here. */
  static final int SEGMENTS_PER_PASS_MAX = 8;
  /** How long a replaced segment file stays open for readers that still hold its regions. */
  static final long RETIRED_CHANNEL_MS = 60_000;

  private final DurableLogStorage durable;
  private final PartitionReadIndex readIndex;
  private CompactionPolicy policy = CompactionPolicy.NONE;
  /** The latest committed marker this replica applied (or restored from its snapshot). */
  private CleaningMarker marker = CleaningMarker.NONE;
  /** Leader: Raft index of its last marker; no new one until it is applied. */
  private long markerPendingIndex;
  /** Leader: (time, cleanEndOffset) of the cleaning points it saw committed, for delete.retention.ms. */
  private final ArrayDeque<long[]> cleanings = new ArrayDeque<>();
  private long cleaningsTerm = -1;
  /** Base index of each closed segment -> the marker it was last cleaned with. */
  private final Map<Long, CleaningMarker> cleanedWith = new HashMap<>();
  /** Latest offset per key below {@code latestFor}; built once per marker, dropped when every segment is clean. */
  private Map<ByteBuffer, Long> latest;
  private long latestFor = -1;
  /** A replaced segment file, kept open for readers holding its regions, and since when. */
  private record Retired(FileChannel channel, long sinceMs) {}

  private final List<Retired> retired = new ArrayList<>();
  private long segmentsCleaned;
  private long bytesReclaimed;

  KeyCompaction(DurableLogStorage durable, PartitionReadIndex readIndex) {
    this.durable = durable;
    this.readIndex = readIndex;
  }

  void policy(CompactionPolicy policy) {
    this.policy = policy;
  }

  CompactionPolicy policy() {
    return policy;
  }

  CleaningMarker marker() {
    return marker;
  }

  /** A committed marker (or the one a snapshot held): later bounds replace earlier ones. */
  void apply(CleaningMarker applied) {
    marker = marker.max(applied);
  }

  /** Segments this replica rewrote, and the bytes that freed (metrics, tests). */
  long segmentsCleaned() {
    return segmentsCleaned;
  }

  long bytesReclaimed() {
    return bytesReclaimed;
  }

  /**
   * Leader, caught up: proposes a cleaning point when the dirty ratio is reached (or when a tombstone end
   * can move). Returns whether one was proposed.
   */
  boolean proposeIfDue(RaftNode node, long logStart, long appliedIndex, long nowMs) {
    if (!policy.compact() || appliedIndex < markerPendingIndex) {
      return false;
    }
    if (cleaningsTerm != node.term()) { // a new leader counts delete.retention.ms from now
      cleaningsTerm = node.term();
      cleanings.clear();
      cleanings.add(new long[] {nowMs, marker.cleanEndOffset()});
    }
    long through = Math.min(SegmentRetention.commonIndex(node, node.commitIndex()), lastClosedIndex());
    through = Math.min(through, lastIndexBeforeLag(nowMs));
    long cleanEnd = through > marker.cleanThroughIndex() ? offsetAfter(through) : marker.cleanEndOffset();
    long dirty = readIndex.bytesBetween(marker.cleanEndOffset(), cleanEnd);
    long total = readIndex.bytesBetween(logStart, cleanEnd);
    boolean dirtyEnough = cleanEnd > marker.cleanEndOffset() && total > 0
        && dirty >= policy.minCleanableDirtyRatio() * total;
    long tombstoneEnd = marker.tombstoneEndOffset();
    for (long[] c : cleanings) {
      if (c[0] <= nowMs - policy.deleteRetentionMs()) {
        tombstoneEnd = Math.max(tombstoneEnd, c[1]);
      }
    }
    if (!dirtyEnough && tombstoneEnd <= marker.tombstoneEndOffset()) {
      return false;
    }
    CleaningMarker next = dirtyEnough ? new CleaningMarker(cleanEnd, through, tombstoneEnd)
        : new CleaningMarker(marker.cleanEndOffset(), marker.cleanThroughIndex(), tombstoneEnd);
    ProposeResult proposed = node.propose(next.encode().array());
    if (proposed.isAccepted()) {
      markerPendingIndex = proposed.firstIndex();
      if (dirtyEnough) {
        cleanings.add(new long[] {nowMs, cleanEnd});
      }
    }
    return proposed.isAccepted();
  }

  /** Last index of the leader's closed segments (the active segment is never cleaned, nor chosen). */
  private long lastClosedIndex() {
    List<SegmentedLog.SegmentSpan> spans = durable.log().segmentSpans();
    return spans.size() < 2 ? 0 : spans.get(spans.size() - 2).lastIndex();
  }

  /** Last index before the first committed batch younger than min.compaction.lag.ms. */
  private long lastIndexBeforeLag(long nowMs) {
    if (policy.minCompactionLagMs() <= 0) {
      return Long.MAX_VALUE;
    }
    long young = readIndex.entryOffsetForTimestamp(nowMs - policy.minCompactionLagMs());
    if (young < 0) {
      return Long.MAX_VALUE;
    }
    try {
      long holding = durable.log().floorIndexForKey(young);
      return holding < 0 ? 0 : holding - 1;
    } catch (IOException e) {
      throw new UncheckedIOException("offset=" + young + " reason=key-lookup-failed", e);
    }
  }

  /** Offset after the last record at or below {@code index}; 0 when none is stored. */
  private long offsetAfter(long index) {
    for (long k = index; k >= durable.firstIndex(); k--) {
      ByteBuffer payload = ByteBuffer.wrap(durable.entries(k, k + 1, Long.MAX_VALUE).get(0).payload());
      if (BatchHeaders.isData(payload)) {
        return BatchHeaders.nextOffset(payload);
      }
    }
    return 0;
  }

  /**
   * Every replica: rewrites up to {@link #SEGMENTS_PER_PASS_MAX} closed segments not yet cleaned with the
   * latest marker, then points the read index at the new files. Returns the segments rewritten.
   */
  int clean(long nowMs) {
    closeRetired(nowMs, false);
    if (!policy.compact() || marker.cleanThroughIndex() == 0) {
      return 0;
    }
    SegmentedLog log = durable.log();
    List<SegmentedLog.SegmentSpan> spans = log.segmentSpans();
    cleanedWith.keySet().removeIf(base -> spans.stream().noneMatch(s -> s.baseIndex() == base));
    List<SegmentedLog.SegmentSpan> due = new ArrayList<>();
    for (SegmentedLog.SegmentSpan s : spans.subList(0, Math.max(0, spans.size() - 1))) {
      if (s.baseIndex() >= log.firstIndex() && s.baseIndex() <= marker.cleanThroughIndex()
          && !marker.equals(cleanedWith.get(s.baseIndex()))) {
        due.add(s);
      }
    }
    if (due.isEmpty()) {
      latest = null; // every segment is clean for this marker: the key map is not needed until the next one
      return 0;
    }
    try {
      if (latestFor != marker.cleanEndOffset() || latest == null) {
        latest = latestOffsets(marker.cleanThroughIndex());
        latestFor = marker.cleanEndOffset();
      }
      int done = 0;
      for (SegmentedLog.SegmentSpan s : due.subList(0, Math.min(due.size(), SEGMENTS_PER_PASS_MAX))) {
        cleanSegment(s, nowMs);
        done++;
      }
      return done;
    } catch (IOException e) {
      throw new UncheckedIOException("segment-cleaning-failed cleanEndOffset=" + marker.cleanEndOffset(), e);
    }
  }

  private void cleanSegment(SegmentedLog.SegmentSpan span, long nowMs) throws IOException {
    SegmentedLog log = durable.log();
    long through = marker.cleanThroughIndex();
    long tombstoneEnd = marker.tombstoneEndOffset();
    Map<ByteBuffer, Long> keys = latest;
    FileChannel replaced = log.rewriteSegment(span.baseIndex(), (index, key, kind, payload) ->
        index <= through && BatchHeaders.isData(ByteBuffer.wrap(payload))
            ? RecordCleaner.clean(payload, keys, tombstoneEnd) : null);
    cleanedWith.put(span.baseIndex(), marker);
    if (replaced == null) {
      return;
    }
    segmentsCleaned++;
    long after = log.segmentSpans().stream().filter(s -> s.baseIndex() == span.baseIndex())
        .mapToLong(SegmentedLog.SegmentSpan::bytes).findFirst().orElse(span.bytes());
    bytesReclaimed += span.bytes() - after;
    relocate(log, span);
    retired.add(new Retired(replaced, nowMs));
  }

  /** Points the read index's committed entries of a rewritten segment at the new file. */
  private void relocate(SegmentedLog log, SegmentedLog.SegmentSpan span) throws IOException {
    long first = Math.max(span.baseIndex(), log.firstIndex());
    LogSlice slice = log.slice(first, Long.MAX_VALUE);
    List<LogEntry> entries = log.read(first, slice.lastIndex() + 1, Long.MAX_VALUE);
    List<long[]> moves = new ArrayList<>();
    for (LogEntry e : entries) {
      ByteBuffer payload = ByteBuffer.wrap(e.payload());
      if (BatchHeaders.isData(payload)) {
        int region = (int) (e.index() - slice.firstIndex());
        moves.add(new long[] {BatchHeaders.baseOffset(payload), slice.position(region), slice.length(region),
            BatchHeaders.maxTimestamp(payload)});
      }
    }
    readIndex.relocate(moves, slice.channel());
  }

  /** Latest offset of every key among the records of entries {@code firstIndex .. through}. */
  private Map<ByteBuffer, Long> latestOffsets(long through) throws IOException {
    Map<ByteBuffer, Long> map = new HashMap<>();
    SegmentedLog log = durable.log();
    for (long index = log.firstIndex(); index <= through; ) {
      List<LogEntry> chunk = log.read(index, through + 1, 16L << 20);
      for (LogEntry e : chunk) {
        ByteBuffer payload = ByteBuffer.wrap(e.payload());
        if (BatchHeaders.isData(payload)) {
          RecordCleaner.collectLatest(payload, map);
        }
      }
      index += chunk.size();
    }
    return map;
  }

  /** Closes replaced segment files once no reader can still hold them ({@code all}: at close). */
  void closeRetired(long nowMs, boolean all) {
    retired.removeIf(r -> {
      if (!all && nowMs - r.sinceMs() < RETIRED_CHANNEL_MS) {
        return false;
      }
      try {
        r.channel().close();
      } catch (IOException ignored) {
        // a replaced file: nothing is written through it, closing cannot lose data
      }
      return true;
    });
  }
}
