package io.chronik.verifier.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the history says one partition (key) contains: offset → value, as observed by committed
 * sends and by every poll. Once {@link #seal sealed}, offsets are mapped to dense indices (the
 * version order, gaps such as transaction markers removed), which is what skip/monotonicity checks
 * compare.
 *
 * <p>Invariants after sealing: {@code offsets} is strictly increasing; every observed value has a
 * first index (its lowest offset) and a last index (its highest offset), equal unless the value is
 * a duplicate.
 */
final class PartitionLog {
  final long key;
  /** offset → first value observed there, and the op that observed it. */
  private final LongLongMap valueAt = new LongLongMap(1024);
  private final LongLongMap opAt = new LongLongMap(1024);
  /** offset → values observed there after the first, → first op that observed each. */
  private final Map<Long, LinkedHashMap<Long, Integer>> conflicts = new TreeMap<>();
  /** value → lowest offset observed. */
  private final LongLongMap valueOffset = new LongLongMap(1024);
  /** Values observed at more than one offset: value → offset → first op that observed it there. */
  private final Map<Long, TreeMap<Long, Integer>> duplicates = new HashMap<>();
  private long[] offsets;
  /** After sealing: value → dense index of its lowest offset. */
  private LongLongMap valueIndex;

  PartitionLog(long key) {
    this.key = key;
  }

  void observe(long offset, long value, int op) {
    long first = valueAt.get(offset, LongLongMap.FREE_KEY);
    if (first == LongLongMap.FREE_KEY && !valueAt.containsKey(offset)) {
      valueAt.put(offset, value);
      opAt.put(offset, op);
    } else if (first != value) {
      conflicts.computeIfAbsent(offset, o -> new LinkedHashMap<>()).putIfAbsent(value, op);
    }
    long prior = valueOffset.get(value, LongLongMap.FREE_KEY);
    if (prior == LongLongMap.FREE_KEY) {
      valueOffset.put(value, offset);
    } else if (prior != offset || duplicates.containsKey(value)) {
      TreeMap<Long, Integer> at = duplicates.get(value);
      if (at == null) {
        at = new TreeMap<>();
        duplicates.put(value, at);
        at.put(prior, valueAt.get(prior, 0) == value ? (int) opAt.get(prior, -1) : conflicts.get(prior).get(value));
      }
      at.putIfAbsent(offset, op);
      if (offset < prior) {
        valueOffset.put(value, offset);
      }
    }
  }

  void seal() {
    offsets = valueAt.sortedKeys();
    valueIndex = new LongLongMap(valueOffset.size());
    for (long v : valueOffset.sortedKeys()) {
      valueIndex.put(v, Arrays.binarySearch(offsets, valueOffset.get(v, 0)));
    }
  }

  int size() {
    return offsets.length;
  }

  long offsetAt(int index) {
    return offsets[index];
  }

  /** The first value observed at the index's offset. */
  long valueAtIndex(int index) {
    return valueAt.get(offsets[index], 0);
  }

  long valueAtOffset(long offset) {
    return valueAt.get(offset, 0);
  }

  int opAtOffset(long offset) {
    return (int) opAt.get(offset, -1);
  }

  /** Dense index of the value's lowest offset, or -1 if the value was never seen at an offset. */
  int firstIndex(long value) {
    return (int) valueIndex.get(value, -1);
  }

  /** Dense index of the value's highest offset, or -1. */
  int lastIndex(long value) {
    TreeMap<Long, Integer> d = duplicates.isEmpty() ? null : duplicates.get(value);
    if (d != null) {
      return Arrays.binarySearch(offsets, d.lastKey());
    }
    return firstIndex(value);
  }

  /** Values at the index: the first observed, then any conflicting ones. */
  List<Long> valuesAt(int index) {
    List<Long> vs = new ArrayList<>(1);
    vs.add(valueAtIndex(index));
    LinkedHashMap<Long, Integer> c = conflicts.isEmpty() ? null : conflicts.get(offsets[index]);
    if (c != null) {
      vs.addAll(c.keySet());
    }
    return vs;
  }

  Map<Long, TreeMap<Long, Integer>> duplicates() {
    return duplicates;
  }

  /** Offsets holding more than one value → the later values and the first op observing each. */
  Map<Long, LinkedHashMap<Long, Integer>> conflicts() {
    return conflicts;
  }
}
