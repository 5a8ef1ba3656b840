package io.chronik.verifier.kafka;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Timeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a Kafka-workload history the way Jepsen's kafka checker does: each partition's order is
 * inferred from the offsets that sends and polls report, and every anomaly is reported with the
 * operations that show it.
 *
 * <p>Data anomalies (here): {@code inconsistent-offsets}, {@code duplicate}, {@code G1a} (a failed
 * send was read), {@code unexpected} (a value nobody sent was read), {@code lost-write}
 * (acknowledged, below an offset some OK poll reached, never read), {@code unseen} (acknowledged,
 * never read, not provably lost), {@code vanished} (acknowledged and read, but absent from complete
 * final reads: {@link FinalReadCheck}), {@code over-trimmed} (below the final log start, though
 * retention could not have deleted it: {@link Trimming}). Order anomalies live in {@link OrderChecks}.
 *
 * <p>Always allowed: {@code int-send-skip} (other producers interleave), {@code trimmed} (acknowledged,
 * below the log start the final reader found, and within what retention may delete: {@link Trimming}).
 * {@code poll-skip} and {@code nonmonotonic-poll} are allowed when consumers subscribe (rebalances
 * move partitions);
 * {@code unseen} is allowed unless the run ended healed with final polls.
 */
public final class KafkaChecker {
  static final int SKIPPED_SHOWN_MAX = 16;

  private KafkaChecker() {}

  public static CheckResult check(KafkaHistory h, KafkaCheckOptions options) {
    KafkaIndex ix = new KafkaIndex(h);
    CheckResult.Builder out = CheckResult.builder("kafka", options.casesPerTypeMax());
    out.allow("int-send-skip");
    boolean rebalances = options.rebalancesAllowed() == null ? ix.sawSubscribe : options.rebalancesAllowed();
    if (rebalances) {
      out.allow("poll-skip").allow("nonmonotonic-poll");
    }
    if (!options.unseenIsError()) {
      out.allow("unseen");
    }
    out.allow("trimmed");
    inconsistentOffsets(ix, out);
    duplicates(ix, out);
    abortedAndUnexpectedReads(ix, out);
    Trimming trimming = Trimming.of(ix);
    Map<Long, LongLongMap> lost = lostWrites(ix, trimming, out);
    unseen(ix, lost, trimming, out);
    if (options.unseenIsError()) {
      FinalReadCheck.vanished(ix, trimming, out);
    }
    new OrderChecks(ix, out).run();
    long okReads = ix.okReaderOf.values().stream().mapToLong(LongLongMap::size).sum();
    out.stat("ops", (long) h.size())
        .stat("keys", (long) ix.logs.size())
        .stat("values-read", okReads)
        .stat("unseen-is-error", options.unseenIsError())
        .stat("rebalances-allowed", rebalances);
    return out.build(okReads > 0);
  }

  static Map<String, Object> detail(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static void inconsistentOffsets(KafkaIndex ix, CheckResult.Builder out) {
    for (PartitionLog log : ix.logs.values()) {
      log.conflicts().forEach((offset, others) -> {
        List<Long> values = new ArrayList<>();
        List<Integer> ops = new ArrayList<>();
        values.add(log.valueAtOffset(offset));
        ops.add(log.opAtOffset(offset));
        others.forEach((v, op) -> {
          values.add(v);
          ops.add(op);
        });
        out.add(new Anomaly("inconsistent-offsets", detail("key", log.key, "offset", offset, "values", values), ops));
      });
    }
  }

  private static void duplicates(KafkaIndex ix, CheckResult.Builder out) {
    for (PartitionLog log : ix.logs.values()) {
      new TreeMap<>(log.duplicates()).forEach((value, at) -> out.add(new Anomaly("duplicate",
          detail("key", log.key, "value", value, "count", (long) at.size(), "offsets", List.copyOf(at.keySet())),
          new ArrayList<>(new java.util.LinkedHashSet<>(at.values())))));
    }
  }

  private static void abortedAndUnexpectedReads(KafkaIndex ix, CheckResult.Builder out) {
    ix.okReaderOf.forEach((key, readers) -> {
      for (long value : readers.sortedKeys()) {
        int reader = (int) readers.get(value, -1);
        int writer = ix.writer(key, value);
        if (writer < 0) {
          out.add(new Anomaly("unexpected", detail("key", key, "value", value), List.of(reader)));
        } else if (ix.h.type(writer) == Timeline.FAIL) {
          out.add(new Anomaly("G1a", detail("key", key, "value", value), List.of(writer, reader)));
        }
      }
    });
  }

  /**
   * For each key, the highest version-order index any OK poll reached bounds what must have been
   * read: every value whose last appearance is at or below it, sent by an op that must have
   * committed, and read by no OK poll, is lost.
   */
  private static Map<Long, LongLongMap> lostWrites(KafkaIndex ix, Trimming trimming, CheckResult.Builder out) {
    Map<Long, LongLongMap> lost = new HashMap<>();
    ix.okReaderOf.forEach((key, readers) -> {
      PartitionLog log = ix.logs.get(key);
      if (log == null) {
        return;
      }
      int bound = -1;
      long boundValue = 0;
      for (long v : readers.sortedKeys()) {
        int i = log.firstIndex(v);
        if (i > bound) {
          bound = i;
          boundValue = v;
        }
      }
      for (int i = 0; i <= bound; i++) {
        for (long v : log.valuesAt(i)) {
          if (log.lastIndex(v) != i || readers.containsKey(v)) {
            continue;
          }
          int writer = ix.writer(key, v);
          if (writer < 0 || !ix.mustHaveCommitted(writer) || trimming.below(key, v, writer, out)) {
            continue;
          }
          lost.computeIfAbsent(key, k -> new LongLongMap()).put(v, 1);
          out.add(new Anomaly("lost-write", detail("key", key, "value", v, "offset", log.offsetAt(i),
              "index", (long) i, "max-read-index", (long) bound, "max-read-value", boundValue),
              List.of(writer, (int) readers.get(boundValue, -1))));
        }
      }
    });
    return lost;
  }

  private static void unseen(KafkaIndex ix, Map<Long, LongLongMap> lost, Trimming trimming, CheckResult.Builder out) {
    ix.writerOf.forEach((key, writers) -> {
      LongLongMap lostHere = lost.getOrDefault(key, new LongLongMap());
      for (long v : writers.sortedKeys()) {
        int w = (int) writers.get(v, -1);
        if (ix.h.type(w) == Timeline.OK && !ix.okRead(key, v) && !lostHere.containsKey(v)
            && !trimming.below(key, v, w, out)) {
          out.add(new Anomaly("unseen", detail("key", key, "value", v), List.of(w)));
        }
      }
    });
  }
}
