package io.chronik.verifier.kafka;

import static io.chronik.verifier.kafka.KafkaChecker.detail;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Acknowledged values that retention deleted before the final read. The final reader records each
 * partition's log start (and end) and the topic's retention ({@link LogExtent}); a value whose offset
 * lies below that log start is {@code trimmed} (allowed: counted and shown, not lost) instead of
 * {@code lost-write}, {@code unseen} or {@code vanished} — unless retention could not have deleted it
 * ({@link Retention#protectedFrom}): then the broker moved the log start too far, {@code over-trimmed}.
 * A value at or above the log start is still expected in the final read, so a broker that loses
 * records and reports an honest log start is still caught; one that moves its log start over the
 * newest records is caught by the bound. Values whose offset nobody observed cannot be placed and are
 * left to the other checks. Without a recorded extent (older histories) nothing is trimmed.
 */
final class Trimming {
  private final KafkaIndex ix;
  private final int assign;
  private final LogExtent extent;
  private final long historySpanMs;
  /** key → values already classified here (each counts once, whichever check meets it first). */
  private final Map<Long, LongLongMap> classified = new HashMap<>();

  private Trimming(KafkaIndex ix, int assign) {
    this.ix = ix;
    this.assign = assign;
    this.extent = assign < 0 ? null : ix.h.logExtent(assign);
    this.historySpanMs = assign < 0 ? 0 : (ix.h.invokeNanos(assign) - ix.h.invokeNanos(0)) / 1_000_000;
  }

  static Trimming of(KafkaIndex ix) {
    return new Trimming(ix, FinalReadCheck.finalAssign(ix.h));
  }

  /** The final reader's assign, or -1. */
  int assign() {
    return assign;
  }

  /**
   * Whether the value lies below the final log start; if so it is reported here, once, as
   * {@code trimmed} or {@code over-trimmed}, and no other check should name it.
   */
  boolean below(long key, long value, int writer, CheckResult.Builder out) {
    if (extent == null) {
      return false;
    }
    long logStart = extent.logStart(key);
    PartitionLog log = ix.logs.get(key);
    int last = log == null ? -1 : log.lastIndex(value);
    if (last < 0 || log.offsetAt(last) >= logStart) {
      return false;
    }
    LongLongMap done = classified.computeIfAbsent(key, k -> new LongLongMap());
    if (done.containsKey(value)) {
      return true;
    }
    done.put(value, 1);
    long offset = log.offsetAt(last);
    long end = Math.max(extent.ends().getOrDefault(key, 0L), log.offsetAt(log.size() - 1) + 1);
    long protectedFrom = extent.retention().protectedFrom(end, historySpanMs);
    List<Integer> ops = writer < 0 ? List.of(assign) : List.of(writer, assign);
    if (offset >= protectedFrom) {
      out.add(new Anomaly("over-trimmed", detail("key", key, "value", value, "offset", offset, "log-start", logStart,
          "protected-from", protectedFrom, "end-offset", end, "retention", extent.retention().toString()), ops));
    } else {
      out.add(new Anomaly("trimmed", detail("key", key, "value", value, "offset", offset, "log-start", logStart), ops));
    }
    return true;
  }
}
