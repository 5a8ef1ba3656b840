package io.chronik.broker.replication;

import io.chronik.raft.storage.SegmentRewrite;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One key-compaction pass of one partition replica, run on the node's cleaner thread so the Raft driver
 * thread only decides and swaps ({@link KeyCompaction}). Inputs are fixed when the job is made on the driver
 * thread: the marker, the segments to read for the key map (every entry up to the marker's clean-through
 * index; committed, so they never change but by this replica's own rewrites, which keep every key's latest
 * record) and the closed, committed segments to rewrite. It reads through its own file channels and leaves
 * forced copies ({@link SegmentRewrite#prepare}) for the driver thread to swap in; a failed or cancelled job
 * deletes its copies.
 */
final class CleaningJob {
  /** What the driver thread swaps in: the copies (null where nothing changed) and the key map for reuse. */
  record Result(CleaningMarker marker, Map<ByteBuffer, Long> latest, List<SegmentRewrite.Source> segments,
      List<SegmentRewrite.Prepared> copies, Map<Long, Long> maxTimestamps) {}

  private final CleaningMarker marker;
  private final Map<ByteBuffer, Long> reusedLatest;
  private final List<SegmentRewrite.Source> keySources;
  private final List<SegmentRewrite.Source> segments;
  private volatile boolean cancelled;
  private volatile boolean started;

  /**
   * @param reusedLatest the key map built for this marker by an earlier job, or null to build it from
   *     {@code keySources}
   */
  CleaningJob(CleaningMarker marker, Map<ByteBuffer, Long> reusedLatest, List<SegmentRewrite.Source> keySources,
      List<SegmentRewrite.Source> segments) {
    this.marker = marker;
    this.reusedLatest = reusedLatest;
    this.keySources = List.copyOf(keySources);
    this.segments = List.copyOf(segments);
  }

  /** Stops the job at its next entry (the partition is closing); its copies are deleted. */
  void cancel() {
    cancelled = true;
  }

  /** The cleaner thread took the job up (a job cancelled before that never touches a file). */
  boolean started() {
    return started;
  }

  Result run() throws IOException {
    started = true;
    checkCancelled();
    Map<ByteBuffer, Long> latest = reusedLatest != null ? reusedLatest : latestOffsets();
    List<SegmentRewrite.Prepared> copies = new ArrayList<>();
    Map<Long, Long> maxTimestamps = new HashMap<>();
    long through = marker.cleanThroughIndex();
    long tombstoneEnd = marker.tombstoneEndOffset();
    try {
      for (SegmentRewrite.Source source : segments) {
        copies.add(SegmentRewrite.prepare(source, (index, key, kind, payload) -> {
          checkCancelled();
          if (index > through || !BatchHeaders.isData(kind, payload)) {
            return null;
          }
          byte[] cleaned = RecordCleaner.clean(payload, latest, tombstoneEnd);
          if (cleaned != null) {
            maxTimestamps.put(index, BatchHeaders.maxTimestamp(ByteBuffer.wrap(cleaned)));
          }
          return cleaned;
        }));
      }
    } catch (IOException | RuntimeException e) {
      discard(copies);
      throw e;
    }
    return new Result(marker, latest, segments, copies, maxTimestamps);
  }

  /** Deletes copies that will not be swapped in. */
  static void discard(List<SegmentRewrite.Prepared> copies) throws IOException {
    for (SegmentRewrite.Prepared copy : copies) {
      if (copy != null) {
        SegmentRewrite.discard(copy);
      }
    }
  }

  /** Latest offset of every key among the records of the entries up to the clean-through index. */
  private Map<ByteBuffer, Long> latestOffsets() throws IOException {
    Map<ByteBuffer, Long> map = new HashMap<>();
    for (SegmentRewrite.Source source : keySources) {
      SegmentRewrite.read(source, marker.cleanThroughIndex(), entry -> {
        checkCancelled();
        if (BatchHeaders.isData(entry.kind(), entry.payload())) {
          RecordCleaner.collectLatest(ByteBuffer.wrap(entry.payload()), map);
        }
      });
    }
    return map;
  }

  private void checkCancelled() throws IOException {
    if (cancelled) {
      throw new IOException("reason=cleaning-cancelled");
    }
  }
}
