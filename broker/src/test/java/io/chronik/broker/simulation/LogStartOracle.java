package io.chronik.broker.simulation;

import io.chronik.broker.replication.SimulatedPartition;
import io.chronik.broker.simulation.ProduceOracle.Committed;
import io.chronik.pipeline.simulation.SimViolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/**
 * The log start offset and what each replica serves from it, checked as the run goes (retention and
 * DeleteRecords in the broker simulation). The committed log start is the highest offset a committed
 * marker named, capped at the records before it (what every replica computes when it applies the
 * marker). A replica's log start never exceeds it and, within one process, never goes back; a replica
 * restarted from a snapshot may start from that snapshot's older log start, but must then hold and
 * serve every committed record from there. Reading a replica from its log start to its high watermark
 * yields exactly the committed batches from the one holding the log start on: nothing below the log
 * start, nothing missing above it. An acknowledged DeleteRecords moved the committed log start at least
 * to its offset.
 */
final class LogStartOracle {
  private long committedLogStart;
  private final long[] lastLogStart;
  /** Acknowledged DeleteRecords (offset) by the Raft index of their marker, until it is committed. */
  private final Map<Long, Long> deleteClaims = new HashMap<>();
  private long markersCommitted;
  private long deletesAcked;

  LogStartOracle(int nodes) {
    lastLogStart = new long[nodes];
  }

  /** A process (re)started: its log start may be its snapshot's, older than before the crash. */
  void restarted(int node, SimulatedPartition partition) {
    lastLogStart[node] = partition.group().logStartOffset();
    observe(node, partition);
  }

  /** A committed log-start marker naming {@code offset}, committed after the records ending at {@code nextOffset}. */
  void committedMarker(long index, long offset, long nextOffset) {
    markersCommitted++;
    committedLogStart = Math.max(committedLogStart, Math.min(offset, nextOffset));
    Long claimed = deleteClaims.remove(index);
    if (claimed != null) {
      checkDelete(index, claimed);
    }
  }

  /** A DeleteRecords(offset) answered SUCCESS with its marker at {@code index} ({@code committedSize} entries so far). */
  void deleteAcked(long index, long offset, long committedSize) {
    deletesAcked++;
    if (index <= committedSize) {
      checkDelete(index, offset);
    } else {
      deleteClaims.put(index, offset);
    }
  }

  private void checkDelete(long index, long offset) {
    if (committedLogStart < offset) {
      throw new SimViolation("index=" + index + " deleteOffset=" + offset + " committedLogStart=" + committedLogStart
          + " reason=acknowledged-delete-records-not-applied");
    }
  }

  /** After each loop of a replica. */
  void observe(int node, SimulatedPartition partition) {
    long start = partition.group().logStartOffset();
    if (start > committedLogStart) {
      throw new SimViolation("node=" + node + " logStart=" + start + " committedLogStart=" + committedLogStart
          + " reason=log-start-beyond-committed");
    }
    if (start < lastLogStart[node]) {
      throw new SimViolation("node=" + node + " logStart=" + start + " before=" + lastLogStart[node]
          + " reason=log-start-regressed");
    }
    lastLogStart[node] = start;
    // the log start never passes the committed records' end, and the high watermark is that end
    long highWatermark = partition.group().readIndex().highWatermark();
    if (highWatermark < start) {
      throw new SimViolation("node=" + node + " highWatermark=" + highWatermark + " logStart=" + start
          + " appliedIndex=" + partition.appliedIndex() + " firstIndex=" + partition.storage().firstIndex()
          + " reason=high-watermark-below-log-start");
    }
  }

  /** The replica serves exactly the committed batches from the one holding its log start to its high watermark. */
  void checkReads(int node, SimulatedPartition partition, List<Committed> committed) {
    long start = partition.group().logStartOffset();
    long highWatermark = partition.group().readIndex().highWatermark();
    long offset = start;
    int expected = -1;
    try {
      while (offset < highWatermark) {
        MemoryRecords records = partition.group().readIndex().read(offset, 1 << 20, true);
        boolean any = false;
        for (MutableRecordBatch b : records.batches()) {
          if (b.nextOffset() <= start) {
            throw new SimViolation("node=" + node + " served=" + b.baseOffset() + ".." + (b.nextOffset() - 1)
                + " logStart=" + start + " reason=read-below-log-start-served");
          }
          expected = expected < 0 ? indexOfBatchHolding(committed, offset) : expected + 1;
          Committed c = expected >= 0 && expected < committed.size() ? committed.get(expected) : null;
          if (c == null || c.baseOffset() != b.baseOffset() || c.producerId() != b.producerId()
              || c.firstSeq() != b.baseSequence() || c.nextOffset() != b.nextOffset()) {
            throw new SimViolation("node=" + node + " servedBase=" + b.baseOffset() + " servedNext=" + b.nextOffset()
                + " logStart=" + start + " committed=" + c + " reason=read-differs-from-committed");
          }
          offset = b.nextOffset();
          any = true;
        }
        if (!any) {
          throw new SimViolation("node=" + node + " offset=" + offset + " logStart=" + start + " highWatermark="
              + highWatermark + " reason=nothing-served-below-high-watermark");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("node=" + node + " reason=read-failed", e);
    }
  }

  /** Position in {@code committed} (ordered by offset) of the batch holding {@code offset}, or -1. */
  private static int indexOfBatchHolding(List<Committed> committed, long offset) {
    int lo = 0;
    int hi = committed.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Committed c = committed.get(mid);
      if (c.nextOffset() <= offset) {
        lo = mid + 1;
      } else if (c.baseOffset() > offset) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** End of run, every replica caught up: every delete claim settled, every log start the committed one. */
  void finalCheck(List<SimBroker> replicas) {
    if (!deleteClaims.isEmpty()) {
      throw new SimViolation("claims=" + deleteClaims + " reason=delete-answer-names-an-uncommitted-marker");
    }
    for (SimBroker replica : replicas) {
      long start = replica.partition().group().logStartOffset();
      if (start != committedLogStart) {
        throw new SimViolation("node=" + replica.id() + " logStart=" + start + " committedLogStart="
            + committedLogStart + " reason=replica-log-start-differs-at-end");
      }
    }
  }

  long markersCommitted() {
    return markersCommitted;
  }

  long deletesAcked() {
    return deletesAcked;
  }

  long committedLogStart() {
    return committedLogStart;
  }
}
