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
  /** First observation at an offset, plus any conflicting values seen there later. */
  static final class Slot {
    final long value;
    final int op;
    LinkedHashMap<Long, Integer> conflicts;

    Slot(long value, int op) {
      this.value = value;
      this.op = op;
    }
  }

  final long key;
  private final HashMap<Long, Slot> byOffset = new HashMap<>();
  /** value → lowest offset observed. */
  private final HashMap<Long, Long> valueOffset = new HashMap<>();
  /** Values observed at more than one offset: value → offset → first op that observed it there. */
  private final Map<Long, TreeMap<Long, Integer>> duplicates = new HashMap<>();
  private long[] offsets;

  PartitionLog(long key) {
    this.key = key;
  }

  void observe(long offset, long value, int op) {
    Slot s = byOffset.get(offset);
    if (s == null) {
      byOffset.put(offset, new Slot(value, op));
    } else if (s.value != value) {
      if (s.conflicts == null) {
        s.conflicts = new LinkedHashMap<>();
      }
      s.conflicts.putIfAbsent(value, op);
    }
    Long prior = valueOffset.get(value);
    if (prior == null) {
      valueOffset.put(value, offset);
    } else if (prior != offset || duplicates.containsKey(value)) {
      TreeMap<Long, Integer> at = duplicates.get(value);
      if (at == null) {
        at = new TreeMap<>();
        duplicates.put(value, at);
        Slot first = byOffset.get(prior);
        at.put(prior, first.value == value ? first.op : first.conflicts.get(value));
      }
      at.putIfAbsent(offset, op);
      if (offset < prior) {
        valueOffset.put(value, offset);
      }
    }
  }

  void seal() {
    offsets = new long[byOffset.size()];
    int i = 0;
    for (Long o : byOffset.keySet()) {
      offsets[i++] = o;
    }
    Arrays.sort(offsets);
  }

  int size() {
    return offsets.length;
  }

  long offsetAt(int index) {
    return offsets[index];
  }

  Slot slotAt(int index) {
    return byOffset.get(offsets[index]);
  }

  /** Dense index of the value's lowest offset, or -1 if the value was never seen at an offset. */
  int firstIndex(long value) {
    Long o = valueOffset.get(value);
    return o == null ? -1 : Arrays.binarySearch(offsets, o);
  }

  /** Dense index of the value's highest offset, or -1. */
  int lastIndex(long value) {
    TreeMap<Long, Integer> d = duplicates.get(value);
    if (d != null) {
      return Arrays.binarySearch(offsets, d.lastKey());
    }
    return firstIndex(value);
  }

  /** Values at the index: the first observed, then any conflicting ones. */
  List<Long> valuesAt(int index) {
    Slot s = slotAt(index);
    List<Long> vs = new ArrayList<>(1);
    vs.add(s.value);
    if (s.conflicts != null) {
      vs.addAll(s.conflicts.keySet());
    }
    return vs;
  }

  Map<Long, TreeMap<Long, Integer>> duplicates() {
    return duplicates;
  }

  /** Offsets holding more than one value, in offset order. */
  List<Long> conflictingOffsets() {
    List<Long> out = new ArrayList<>();
    for (long o : offsets) {
      if (byOffset.get(o).conflicts != null) {
        out.add(o);
      }
    }
    return out;
  }

  Slot slotAtOffset(long offset) {
    return byOffset.get(offset);
  }
}
