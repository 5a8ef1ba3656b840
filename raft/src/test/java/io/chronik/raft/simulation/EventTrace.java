package io.chronik.raft.simulation;

import java.util.ArrayDeque;

/**
 * The readable trace of a replayed seed: which node received which message, wrote and synced what,
 * crashed with which writes lost. Only a replay records it (the sweep would pay for millions of
 * strings); the last {@code capacity} lines are printed when the replay fails.
 */
final class EventTrace {

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final int capacity;

  EventTrace(int capacity) {
    this.capacity = capacity;
  }

  void add(long timeMs, int node, String what) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(String.format("%7d ms  n%d  %s", timeMs, node, what));
  }

  String dump() {
    return "trace (last " + lines.size() + " events):\n" + String.join("\n", lines);
  }
}
