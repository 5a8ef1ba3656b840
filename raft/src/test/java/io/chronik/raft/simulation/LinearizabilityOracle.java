package io.chronik.raft.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A small linearizability check for the simulated KV store, exploiting that Raft totally orders
 * writes by log index: a write's linearization point is its commit, so a read must observe (per
 * key) a write at least as new as every write acknowledged, and every value read, before the read
 * was invoked. Each read reports the log index of the write it observed (0 = initial value).
 * Sound (never flags a linearizable history); weaker than a full search like Porcupine's.
 */
final class LinearizabilityOracle {

  private record Done(long completedAt, long index, String what) {}

  private final TreeMap<String, List<Done>> byKey = new TreeMap<>();
  long readsChecked;
  long writesAcked;

  void writeAcked(String key, long invokedAt, long completedAt, long index) {
    writesAcked++;
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Done(completedAt, index, "write"));
  }

  /** Returns null if fine, else a description of the violation. */
  String readCompleted(String key, long invokedAt, long completedAt, long observedIndex) {
    readsChecked++;
    List<Done> done = byKey.computeIfAbsent(key, k -> new ArrayList<>());
    for (Done d : done) {
      if (d.completedAt() < invokedAt && d.index() > observedIndex) {
        return "stale-read key=" + key + " observed=" + observedIndex + " but " + d.what() + " index="
            + d.index() + " completedAt=" + d.completedAt() + " before readInvokedAt=" + invokedAt;
      }
    }
    done.add(new Done(completedAt, observedIndex, "read"));
    return null;
  }
}
