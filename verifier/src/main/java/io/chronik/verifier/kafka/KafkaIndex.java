package io.chronik.verifier.kafka;

import io.chronik.verifier.report.Timeline;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-key indices every Kafka check reads: who wrote each value, who first read it in an OK
 * operation, and each partition's version order. Built in two passes over the history: which
 * values OK polls read decides which indeterminate sends must have committed, and only committed
 * sends (plus every poll) contribute offsets, as in Jepsen's analysis.
 */
final class KafkaIndex {
  final KafkaHistory h;
  /** key → value → op that sent it (the last such op if several did). */
  final Map<Long, HashMap<Long, Integer>> writerOf = new TreeMap<>();
  /** key → value → first OK op that read it. */
  final Map<Long, HashMap<Long, Integer>> okReaderOf = new TreeMap<>();
  final Map<Long, PartitionLog> logs = new TreeMap<>();
  boolean sawSubscribe;

  KafkaIndex(KafkaHistory h) {
    this.h = h;
    for (int op = 0; op < h.size(); op++) {
      if ("subscribe".equals(h.f(op))) {
        sawSubscribe = true;
      }
      boolean ok = h.type(op) == Timeline.OK;
      for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
        byte kind = h.mopKind(m);
        if (kind == KafkaHistory.M_SEND) {
          writerOf.computeIfAbsent(h.mopKey(m), k -> new HashMap<>()).put(h.mopValue(m), op);
        } else if (kind == KafkaHistory.M_READ && ok) {
          okReaderOf.computeIfAbsent(h.mopKey(m), k -> new HashMap<>()).putIfAbsent(h.mopValue(m), op);
        }
      }
    }
    for (int op = 0; op < h.size(); op++) {
      boolean committed = mustHaveCommitted(op);
      for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
        byte kind = h.mopKind(m);
        long offset = h.mopOffset(m);
        if (offset == KafkaHistory.NONE) {
          continue;
        }
        if (kind == KafkaHistory.M_READ || (kind == KafkaHistory.M_SEND && committed)) {
          logs.computeIfAbsent(h.mopKey(m), PartitionLog::new).observe(offset, h.mopValue(m), op);
        }
      }
    }
    logs.values().forEach(PartitionLog::seal);
  }

  /** OK, or indeterminate but one of its sent values was read by an OK operation. */
  boolean mustHaveCommitted(int op) {
    byte t = h.type(op);
    if (t == Timeline.OK) {
      return true;
    }
    if (t != Timeline.INFO) {
      return false;
    }
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) == KafkaHistory.M_SEND && okRead(h.mopKey(m), h.mopValue(m))) {
        return true;
      }
    }
    return false;
  }

  boolean okRead(long key, long value) {
    HashMap<Long, Integer> r = okReaderOf.get(key);
    return r != null && r.containsKey(value);
  }

  Integer writer(long key, long value) {
    HashMap<Long, Integer> w = writerOf.get(key);
    return w == null ? null : w.get(value);
  }

  /** Dense index of the value in the key's version order, or -1 if unknown. */
  int index(long key, long value) {
    PartitionLog log = logs.get(key);
    return log == null ? -1 : log.firstIndex(value);
  }
}
