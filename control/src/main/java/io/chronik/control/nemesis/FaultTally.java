package io.chronik.control.nemesis;

import java.util.Map;
import java.util.TreeMap;

/**
 * Passes nemesis events on and counts the faults put in place, per fault name: a start completed
 * without an error. Runs print the total as they go; campaigns sum the counts per fault, so a
 * campaign shows that it drew from every fault it was asked for.
 */
public final class FaultTally implements NemesisRecorder {
  private final NemesisRecorder next;
  private final Map<String, Long> counts = new TreeMap<>();
  private long total;

  public FaultTally(NemesisRecorder next) {
    this.next = next;
  }

  @Override
  public void record(NemesisEvent event) {
    next.record(event);
    boolean failed = event.value() instanceof String s && s.startsWith("error=");
    if (event.phase().equals("info") && event.f().startsWith("start-") && !failed) {
      synchronized (this) {
        counts.merge(event.f().substring("start-".length()), 1L, Long::sum);
        total++;
      }
    }
  }

  public synchronized long total() {
    return total;
  }

  /** Faults put in place so far, by name, sorted. */
  public synchronized Map<String, Long> byFault() {
    return Map.copyOf(new TreeMap<>(counts));
  }
}
