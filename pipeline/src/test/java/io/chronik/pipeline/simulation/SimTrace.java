package io.chronik.pipeline.simulation;

import java.util.ArrayList;
import java.util.List;

/**
 * The last events of a run, kept in a ring so a failing seed can show what led to it. Details are
 * stored as objects and formatted only when dumped: most runs never print, and building a string per
 * delivered message would cost more than the simulation itself. Shared by the pipeline's and the broker's simulation.
 */
public final class SimTrace {
  private record Event(long time, int node, String kind, Object detail) {}

  private final Event[] ring;
  private long recorded;

  public SimTrace(int capacity) {
    this.ring = new Event[capacity];
  }

  public void record(long time, int node, String kind, Object detail) {
    ring[(int) (recorded++ % ring.length)] = new Event(time, node, kind, detail);
  }

  public long recorded() {
    return recorded;
  }

  /** The last {@code count} events, oldest first, one per line. */
  public List<String> tail(int count) {
    List<String> lines = new ArrayList<>();
    long first = Math.max(0, Math.max(recorded - ring.length, recorded - count));
    for (long i = first; i < recorded; i++) {
      Event e = ring[(int) (i % ring.length)];
      lines.add("t=" + e.time + " node=" + e.node + " " + e.kind + (e.detail == null ? "" : " " + e.detail));
    }
    return lines;
  }
}
