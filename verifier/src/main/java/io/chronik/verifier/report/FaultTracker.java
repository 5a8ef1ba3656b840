package io.chronik.verifier.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Turns nemesis operations into fault intervals. Jepsen nemeses name their operations by
 * convention, so pairs are recognised by name: {@code start-X}/{@code stop-X} (what our recorder
 * writes), {@code kill}/{@code start}, {@code pause}/{@code resume}, {@code partition}/{@code heal},
 * and a bare {@code start}/{@code stop}. An interval runs from the opener's invocation to the
 * closer's completion, so shading errs on the wide side. Operations that match no rule are
 * ignored: they are not faults we can draw.
 */
public final class FaultTracker {
  private static final Map<String, String> CLOSERS = Map.of(
      "kill", "start", "pause", "resume", "partition", "heal", "start", "stop");

  private static final Keyword TARGETS = Keyword.newKeyword("targets");
  private static final Keyword SHAPE = Keyword.newKeyword("shape");

  private final Map<String, Long> open = new HashMap<>();
  private final Map<String, String> openTargets = new HashMap<>();
  private final List<FaultInterval> intervals = new ArrayList<>();

  /**
   * @param f the nemesis op's function name (no colon)
   * @param invoke whether this is the invocation (else the completion)
   */
  public void observe(String f, boolean invoke, long timeNanos) {
    observe(f, invoke, timeNanos, null);
  }

  /** As above, with the op's value: a {@code start-X} invocation's {@code :targets} name the nodes hit. */
  public void observe(String f, boolean invoke, long timeNanos, Object value) {
    if (f.startsWith("stop-") || f.startsWith("start-")) {
      String fault = f.substring(f.indexOf('-') + 1);
      if (f.startsWith("start-")) {
        if (invoke && open.putIfAbsent(fault, timeNanos) == null) {
          openTargets.put(fault, targets(value));
        }
      } else if (!invoke) {
        close(fault, timeNanos);
      }
      return;
    }
    // A closer of an open fault takes precedence over being an opener ("start" after "kill").
    for (Map.Entry<String, String> e : CLOSERS.entrySet()) {
      if (e.getValue().equals(f) && open.containsKey(e.getKey())) {
        if (!invoke) {
          close(e.getKey(), timeNanos);
        }
        return;
      }
    }
    if (CLOSERS.containsKey(f) && invoke) {
      open.putIfAbsent(f, timeNanos);
    }
  }

  private void close(String fault, long timeNanos) {
    Long start = open.remove(fault);
    String targets = openTargets.remove(fault);
    if (start != null) {
      intervals.add(new FaultInterval(fault, start, timeNanos, targets == null ? "" : targets));
    }
  }

  /** "n1 n2", or "halves: n1 n2" with a shape, from {@code {:targets [...] :shape ...}}; else "". */
  private static String targets(Object value) {
    if (!(value instanceof Map<?, ?> m) || !(m.get(TARGETS) instanceof List<?> nodes)) {
      return "";
    }
    String names = String.join(" ", nodes.stream().map(String::valueOf).toList());
    return m.get(SHAPE) == null ? names : m.get(SHAPE) + ": " + names;
  }

  /** Closed intervals plus, for faults never healed, intervals open to the end of time. */
  public List<FaultInterval> intervals() {
    List<FaultInterval> all = new ArrayList<>(intervals);
    open.forEach((fault, start) -> all.add(
        new FaultInterval(fault, start, Long.MAX_VALUE, openTargets.getOrDefault(fault, ""))));
    all.sort(java.util.Comparator.comparingLong(FaultInterval::startNanos));
    return all;
  }

  /** True if some fault is still active (never healed) at the end of the history. */
  public boolean faultOpen() {
    return !open.isEmpty();
  }
}
