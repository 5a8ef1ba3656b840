package io.chronik.verifier.kafka;

import io.chronik.verifier.report.Timeline;
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
  final Map<Long, LongLongMap> writerOf = new TreeMap<>();
  /** key → value → first OK op that read it. */
  final Map<Long, LongLongMap> okReaderOf = new TreeMap<>();
  final Map<Long, PartitionLog> logs = new TreeMap<>();
  boolean sawSubscribe;

  // One-entry caches: consecutive micro-ops almost always share a key, and keys are few.
  private long writerKey = Long.MIN_VALUE;
  private LongLongMap writerMap;
  private long readerKey = Long.MIN_VALUE;
  private LongLongMap readerMap;
  private long logKey = Long.MIN_VALUE;
  private PartitionLog logCached;

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
          writers(h.mopKey(m), true).put(h.mopValue(m), op);
        } else if (kind == KafkaHistory.M_READ && ok) {
          readers(h.mopKey(m), true).putIfAbsent(h.mopValue(m), op);
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
          log(h.mopKey(m), true).observe(offset, h.mopValue(m), op);
        }
      }
    }
    logs.values().forEach(PartitionLog::seal);
  }

  private LongLongMap writers(long key, boolean create) {
    if (key != writerKey || writerMap == null) {
      writerMap = create ? writerOf.computeIfAbsent(key, k -> new LongLongMap(1024)) : writerOf.get(key);
      writerKey = key;
    }
    return writerMap;
  }

  private LongLongMap readers(long key, boolean create) {
    if (key != readerKey || readerMap == null) {
      readerMap = create ? okReaderOf.computeIfAbsent(key, k -> new LongLongMap(1024)) : okReaderOf.get(key);
      readerKey = key;
    }
    return readerMap;
  }

  private PartitionLog log(long key, boolean create) {
    if (key != logKey || logCached == null) {
      logCached = create ? logs.computeIfAbsent(key, PartitionLog::new) : logs.get(key);
      logKey = key;
    }
    return logCached;
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
    LongLongMap r = readers(key, false);
    return r != null && r.containsKey(value);
  }

  /** The op that sent the value to the key, or -1. */
  int writer(long key, long value) {
    LongLongMap w = writers(key, false);
    return w == null ? -1 : (int) w.get(value, -1);
  }

  /** Dense index of the value in the key's version order, or -1 if unknown. */
  int index(long key, long value) {
    PartitionLog log = log(key, false);
    return log == null ? -1 : log.firstIndex(value);
  }
}
