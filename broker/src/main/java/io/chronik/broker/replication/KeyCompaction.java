package io.chronik.broker.replication;

import io.chronik.raft.log.Entry;
import io.chronik.raft.node.ProposeResult;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.LogEntry;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import io.chronik.raft.storage.SegmentRewrite;

/**
 * Kafka key compaction ({@code cleanup.policy=compact}) of one partition replica: decided and swapped on the driver thread.
 *
 * <p>The leader decides and replicates; every replica cleans. A caught-up leader proposes a
 * {@link CleaningMarker} once the bytes written since the last cleaning point reach
 * {@code min.cleanable.dirty.ratio} of the cleanable log; the point is an entry every voter holds and that
 * is committed, in one of the leader's closed segments, and older than {@code min.compaction.lag.ms}.
 * Each replica, once it applied a marker, rewrites its own closed, committed segments below the point: a
 * {@link CleaningJob} on the node's cleaner thread reads them and writes forced copies, the driver thread
 * swaps them in ({@link SegmentedLog#swapRewritten}: atomic rename) and points the read index at them. A
 * record stays only if it is the latest of its key below the point; tombstones below the marker's
 * tombstone end go. The result is a
 * function of the committed records and the marker ({@link RecordCleaner}), so every replica serves the
 * same records once it cleaned, whichever of its segments were active when the marker came (those are
 * cleaned after they roll). Cleaning twice with the same or a later marker changes nothing more than
 * the later marker alone would, so a pass interrupted by a crash is simply redone.
 */
final class KeyCompaction {
  /** Closed segments one cleaning job rewrites at most (the next job takes the rest). */
  static final int SEGMENTS_PER_JOB_MAX = 8;
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
  /** The job on the cleaner thread and its result, or null. */
  private CleaningJob runningJob;
  private CompletableFuture<CleaningJob.Result> running;
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
    long through = Math.min(SegmentRetention.commonIndex(node, node.commitIndex(), Long.MAX_VALUE), lastClosedIndex());
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
      Entry e = durable.entries(k, k + 1, Long.MAX_VALUE).get(0);
      if (BatchHeaders.isData(e)) {
        return BatchHeaders.nextOffset(ByteBuffer.wrap(e.payload()));
      }
    }
    return 0;
  }

  /**
   * Every replica, driver thread: swaps in what a finished cleaning job prepared, then, if closed committed
   * segments are not yet clean for the latest marker, starts the next job on {@code cleaner} (the node's
   * cleaner thread; one job per partition at a time). Returns the segments swapped in.
   */
  int clean(long nowMs, long commitIndex, Executor cleaner) {
    closeRetired(nowMs, false);
    int swapped = finishIfDone(nowMs);
    if (running == null && policy.compact() && marker.cleanThroughIndex() > 0) {
      start(commitIndex, cleaner);
      swapped += finishIfDone(nowMs); // a job run in place (a direct executor) is swapped in at once
    }
    return swapped;
  }

  private void start(long commitIndex, Executor cleaner) {
    SegmentedLog log = durable.log();
    List<SegmentedLog.SegmentSpan> spans = log.segmentSpans();
    cleanedWith.keySet().removeIf(base -> spans.stream().noneMatch(s -> s.baseIndex() == base));
    List<SegmentRewrite.Source> due = new ArrayList<>();
    List<SegmentRewrite.Source> keySources = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      SegmentedLog.SegmentSpan s = spans.get(i);
      if (s.baseIndex() > marker.cleanThroughIndex()) {
        break;
      }
      keySources.add(log.segmentSource(s.baseIndex()));
      // closed, wholly committed (never truncated again) and not yet cleaned with this marker
      if (i < spans.size() - 1 && s.baseIndex() >= log.firstIndex() && s.lastIndex() <= commitIndex
          && !marker.equals(cleanedWith.get(s.baseIndex())) && due.size() < SEGMENTS_PER_JOB_MAX) {
        due.add(log.segmentSource(s.baseIndex()));
      }
    }
    if (due.isEmpty()) {
      latest = null; // every segment is clean for this marker: the key map is not needed until the next one
      return;
    }
    CleaningJob job = new CleaningJob(marker, latestFor == marker.cleanEndOffset() ? latest : null, keySources, due);
    CompletableFuture<CleaningJob.Result> result = new CompletableFuture<>();
    runningJob = job;
    running = result;
    cleaner.execute(() -> {
      try {
        result.complete(job.run());
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
  }

  private int finishIfDone(long nowMs) {
    if (running == null || !running.isDone()) {
      return 0;
    }
    CompletableFuture<CleaningJob.Result> done = running;
    running = null;
    runningJob = null;
    CleaningJob.Result result;
    try {
      result = done.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new UncheckedIOException("reason=segment-cleaning-failed cleanEndOffset=" + marker.cleanEndOffset(),
          e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    }
    latest = result.latest();
    latestFor = result.marker().cleanEndOffset();
    int swapped = 0;
    try {
      for (int i = 0; i < result.segments().size(); i++) {
        SegmentRewrite.Source source = result.segments().get(i);
        SegmentRewrite.Prepared copy = result.copies().get(i);
        if (copy != null && swap(source, copy, result.maxTimestamps(), nowMs)) {
          swapped++;
        }
        cleanedWith.put(source.baseIndex(), result.marker());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reason=segment-swap-failed cleanEndOffset=" + result.marker().cleanEndOffset(), e);
    }
    return swapped;
  }

  /** Swaps one copy in and points the read index's committed entries of that segment at the new file. */
  private boolean swap(SegmentRewrite.Source source, SegmentRewrite.Prepared copy, Map<Long, Long> maxTimestamps,
      long nowMs) throws IOException {
    SegmentedLog log = durable.log();
    long before = log.segmentSpans().stream().filter(s -> s.baseIndex() == source.baseIndex())
        .mapToLong(SegmentedLog.SegmentSpan::bytes).findFirst().orElse(0);
    FileChannel replaced = log.swapRewritten(copy);
    if (replaced == null) {
      return false; // the segment changed meanwhile (retention deleted it): the copy is gone
    }
    retired.add(new Retired(replaced, nowMs));
    segmentsCleaned++;
    bytesReclaimed += Math.max(0, before - copy.bytes());
    FileChannel channel = log.slice(source.baseIndex(), 1).channel();
    List<long[]> moves = new ArrayList<>();
    copy.forEachRegion((index, key, position, length) -> {
      if (key != LogEntry.NO_KEY) { // data entries are keyed by base offset
        moves.add(new long[] {key, position, length, maxTimestamps.getOrDefault(index, Long.MIN_VALUE)});
      }
    });
    readIndex.relocate(moves, channel);
    return true;
  }

  /** The partition is closing: a running job is cancelled and awaited, its copies deleted; old files closed. */
  void close() {
    CompletableFuture<CleaningJob.Result> pending = running;
    if (pending != null) {
      runningJob.cancel();
      try {
        if (!runningJob.started()) {
          throw new java.util.concurrent.CancellationException("reason=not-started"); // it will stop at once
        }
        CleaningJob.discard(pending.get(30, java.util.concurrent.TimeUnit.SECONDS).copies());
      } catch (Exception e) {
        // cancelled or failed: the job deleted its copies itself (a timeout leaves them to the next open)
      }
      running = null;
    }
    closeRetired(0, true);
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
