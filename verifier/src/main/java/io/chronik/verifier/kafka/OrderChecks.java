package io.chronik.verifier.kafka;

import static io.chronik.verifier.kafka.KafkaChecker.detail;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Timeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Order anomalies, all measured in version-order indices (dense offsets) so that gaps such as
 * transaction markers are not skips:
 * <ul>
 *   <li>{@code int-poll-skip} / {@code int-nonmonotonic-poll}: within one op, consecutive reads of
 *       a key jump over values or go back (ignored for keys the op's rebalance log names);
 *   <li>{@code poll-skip} / {@code nonmonotonic-poll}: a process's next poll of a key (OK, or
 *       aborted/crashed, which must have rewound) does not start right after where its last OK
 *       poll ended (assign/subscribe keep only the assigned
 *       keys' positions; seek-to-beginning forgets them all);
 *   <li>{@code int-send-skip} / {@code int-nonmonotonic-send}, and {@code nonmonotonic-send}: a
 *       process's acknowledged (or indeterminate) sends go backwards;
 *   <li>{@code realtime-order}: an OK send that completed before another OK send to the same key
 *       was invoked has a higher offset than it;
 *   <li>{@code precommitted-read}: a transaction read a value it sent itself.
 * </ul>
 */
final class OrderChecks {
  private final KafkaIndex ix;
  private final KafkaHistory h;
  private final CheckResult.Builder out;
  /** Per-op scratch: the keys an op touches, with the first and last value per key; grown as needed. */
  private long[] keys = new long[8];
  private long[] first = new long[8];
  private long[] last = new long[8];
  /** Whether the op being checked carries a :rebalance-log (rare; saves a scan per read). */
  private boolean hasRebalance;

  OrderChecks(KafkaIndex ix, CheckResult.Builder out) {
    this.ix = ix;
    this.h = ix.h;
    this.out = out;
  }

  /** Per-process position in each key: the op that last read/sent it and the last value. */
  private static final class Position {
    final Map<Long, long[]> lastRead = new HashMap<>();
    final Map<Long, long[]> lastSend = new HashMap<>();
  }

  void run() {
    Map<Integer, Position> byProcess = new HashMap<>();
    for (int op = 0; op < h.size(); op++) {
      Position pos = byProcess.computeIfAbsent(h.process(op), p -> new Position());
      String f = h.f(op);
      byte type = h.type(op);
      if (f.equals("assign") || f.equals("subscribe")) {
        if (type != Timeline.FAIL) {
          retainAssigned(op, pos.lastRead);
          retainAssigned(op, pos.lastSend);
          if (h.seeksToBeginning(op)) {
            pos.lastRead.clear();
          }
        }
        continue;
      }
      if (!(f.equals("send") || f.equals("poll") || f.equals("txn"))) {
        continue;
      }
      hasRebalance = false;
      for (int m = h.mopStart(op); m < h.mopEnd(op) && !hasRebalance; m++) {
        hasRebalance = h.mopKind(m) == KafkaHistory.M_REBALANCE;
      }
      // Every completed poll is compared with where the process's last OK poll left off, but only
      // OK polls move that position: an aborted or crashed poll must rewind (as in Jepsen).
      int reads = internalRun(op, KafkaHistory.M_READ, keys, first, last, "int-poll-skip", "int-nonmonotonic-poll");
      crossOp(op, reads, keys, first, last, pos.lastRead, true, type == Timeline.OK);
      if (type == Timeline.OK) {
        precommitted(op);
      }
      if (type != Timeline.FAIL) {
        int n = internalRun(op, KafkaHistory.M_SEND, keys, first, last, "int-send-skip", "int-nonmonotonic-send");
        crossOp(op, n, keys, first, last, pos.lastSend, false, true);
      }
    }
    realtime();
  }

  private void retainAssigned(int op, Map<Long, long[]> positions) {
    java.util.Set<Long> assigned = new java.util.HashSet<>();
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) == KafkaHistory.M_ASSIGN) {
        assigned.add(h.mopKey(m));
      }
    }
    positions.keySet().retainAll(assigned);
  }

  private boolean rebalanced(int op, long key) {
    if (!hasRebalance) {
      return false;
    }
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) == KafkaHistory.M_REBALANCE && h.mopKey(m) == key) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks consecutive values of each key within one op's micro-ops of the given kind, and fills
   * keys/first/last with the first and last value per key; returns the number of keys.
   */
  private int internalRun(int op, byte kind, long[] keys, long[] first, long[] last, String skip, String nonmono) {
    int n = 0;
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) != kind) {
        continue;
      }
      long k = h.mopKey(m);
      long v = h.mopValue(m);
      int slot = 0;
      while (slot < n && keys[slot] != k) {
        slot++;
      }
      if (slot == n) {
        if (n == keys.length) {
          this.keys = keys = java.util.Arrays.copyOf(keys, n * 2);
          this.first = first = java.util.Arrays.copyOf(first, n * 2);
          this.last = last = java.util.Arrays.copyOf(last, n * 2);
        }
        keys[n] = k;
        first[n] = v;
        last[n] = v;
        n++;
        continue;
      }
      long prev = last[slot];
      last[slot] = v;
      if (kind == KafkaHistory.M_READ && rebalanced(op, k)) {
        continue;
      }
      compare(k, prev, v, List.of(op), skip, nonmono);
    }
    return n;
  }

  private void crossOp(int op, int n, long[] keys, long[] first, long[] last, Map<Long, long[]> positions, boolean reads,
      boolean advance) {
    for (int i = 0; i < n; i++) {
      long[] prior = positions.get(keys[i]);
      if (prior != null) {
        List<Integer> ops = List.of((int) prior[0], op);
        if (reads) {
          compare(keys[i], prior[1], first[i], ops, "poll-skip", "nonmonotonic-poll");
        } else {
          compare(keys[i], prior[1], first[i], ops, null, "nonmonotonic-send");
        }
      }
      if (advance) {
        positions.put(keys[i], new long[] {op, last[i]});
      }
    }
  }

  /** v2 should come right after v1 in the key's version order; unknown indices prove nothing. */
  private void compare(long key, long v1, long v2, List<Integer> ops, String skip, String nonmono) {
    int i1 = ix.index(key, v1);
    int i2 = ix.index(key, v2);
    if (i1 < 0 || i2 < 0) {
      return;
    }
    int delta = i2 - i1;
    if (delta > 1 && skip != null) {
      PartitionLog log = ix.logs.get(key);
      List<Long> skipped = new ArrayList<>();
      for (int i = i1 + 1; i < i2 && skipped.size() < KafkaChecker.SKIPPED_SHOWN_MAX; i++) {
        skipped.add(log.valueAtIndex(i));
      }
      out.add(new Anomaly(skip, detail("key", key, "values", List.of(v1, v2), "delta", (long) delta,
          "skipped", skipped), ops));
    } else if (delta < 1) {
      out.add(new Anomaly(nonmono, detail("key", key, "values", List.of(v1, v2), "delta", (long) delta), ops));
    }
  }

  private void precommitted(int op) {
    if (!h.f(op).equals("txn")) {
      return;
    }
    for (int s = h.mopStart(op); s < h.mopEnd(op); s++) {
      if (h.mopKind(s) != KafkaHistory.M_SEND) {
        continue;
      }
      for (int r = h.mopStart(op); r < h.mopEnd(op); r++) {
        if (h.mopKind(r) == KafkaHistory.M_READ && h.mopKey(r) == h.mopKey(s) && h.mopValue(r) == h.mopValue(s)) {
          out.add(new Anomaly("precommitted-read", detail("key", h.mopKey(s), "value", h.mopValue(s)), List.of(op)));
          return;
        }
      }
    }
  }

  /**
   * Sweeps OK sends in history order: at each completion, the key's running maximum offset grows;
   * at each invocation, every send that already completed is in that maximum, so the invoked op's
   * lowest offset on the key must exceed it. O(n log n) for the sort of completions.
   */
  private void realtime() {
    int count = 0;
    int[] sends = new int[h.size()];
    for (int op = 0; op < h.size(); op++) {
      if (h.type(op) == Timeline.OK && hasOffsetSend(op)) {
        sends[count++] = op;
      }
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = sends[i];
    }
    Arrays.sort(order, (a, b) -> Long.compare(h.completeIndex(a), h.completeIndex(b)));
    Map<Long, long[]> maxByKey = new HashMap<>(); // key → {offset, op}
    int c = 0;
    for (int i = 0; i < count; i++) {
      int op = sends[i];
      while (c < count && h.completeIndex(order[c]) < h.invokeIndex(op)) {
        int done = order[c++];
        for (int m = h.mopStart(done); m < h.mopEnd(done); m++) {
          if (h.mopKind(m) == KafkaHistory.M_SEND && h.mopOffset(m) != KafkaHistory.NONE) {
            long[] cur = maxByKey.get(h.mopKey(m));
            if (cur == null || h.mopOffset(m) > cur[0]) {
              maxByKey.put(h.mopKey(m), new long[] {h.mopOffset(m), done});
            }
          }
        }
      }
      for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
        if (h.mopKind(m) != KafkaHistory.M_SEND || h.mopOffset(m) == KafkaHistory.NONE) {
          continue;
        }
        long[] cur = maxByKey.get(h.mopKey(m));
        if (cur != null && cur[0] >= h.mopOffset(m)) {
          out.add(new Anomaly("realtime-order", detail("key", h.mopKey(m), "earlier-offset", cur[0],
              "later-offset", h.mopOffset(m), "later-value", h.mopValue(m)), List.of((int) cur[1], op)));
          break;
        }
      }
    }
  }

  private boolean hasOffsetSend(int op) {
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) == KafkaHistory.M_SEND && h.mopOffset(m) != KafkaHistory.NONE) {
        return true;
      }
    }
    return false;
  }
}
