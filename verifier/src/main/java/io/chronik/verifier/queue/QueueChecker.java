package io.chronik.verifier.queue;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Timeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Total-queue / set checker (Jepsen's total-queue and set semantics). Every acknowledged element
 * must be read exactly once: by dequeues and drains for a queue (the run should end with a drain),
 * or present in the final OK {@code :read} for a set.
 *
 * <p>Reports {@code lost} (acknowledged, never read), {@code unexpected} (read, never written),
 * {@code duplicated} (read more than once, or twice in one read), {@code failed-read} (its write
 * failed, yet it was read) and {@code recovered} (written indeterminately and read: allowed).
 */
public final class QueueChecker {
  private QueueChecker() {}

  public static CheckResult check(QueueHistory h, int casesPerTypeMax) {
    CheckResult.Builder out = CheckResult.builder("queue", casesPerTypeMax).allow("recovered");
    Map<Object, Integer> writer = new HashMap<>();
    int finalSetRead = -1;
    for (int op = 0; op < h.size(); op++) {
      if (h.written(op) != null) {
        writer.putIfAbsent(h.written(op), op);
      }
      if (h.f(op).equals("read") && h.type(op) == Timeline.OK) {
        finalSetRead = op;
      }
    }
    // element → ops that read it, in history order
    Map<Object, List<Integer>> readers = new LinkedHashMap<>();
    for (int op = 0; op < h.size(); op++) {
      boolean setRead = h.f(op).equals("read");
      if (h.type(op) != Timeline.OK || h.read(op) == null || (setRead && op != finalSetRead)) {
        continue;
      }
      for (Object v : h.read(op)) {
        readers.computeIfAbsent(v, k -> new ArrayList<>()).add(op);
      }
    }
    readers.forEach((v, ops) -> {
      Integer w = writer.get(v);
      if (w == null) {
        out.add(new Anomaly("unexpected", Map.of("value", v), List.of(ops.get(0))));
        return;
      }
      if (ops.size() > 1) {
        out.add(new Anomaly("duplicated", Map.of("value", v, "count", (long) ops.size()),
            List.of(w, ops.get(0), ops.get(1))));
      }
      if (h.type(w) == Timeline.FAIL) {
        out.add(new Anomaly("failed-read", Map.of("value", v), List.of(w, ops.get(0))));
      } else if (h.type(w) == Timeline.INFO) {
        out.add(new Anomaly("recovered", Map.of("value", v), List.of(w, ops.get(0))));
      }
    });
    long acknowledged = 0;
    for (Map.Entry<Object, Integer> e : writer.entrySet()) {
      if (h.type(e.getValue()) == Timeline.OK) {
        acknowledged++;
        if (!readers.containsKey(e.getKey())) {
          out.add(new Anomaly("lost", Map.of("value", e.getKey()), List.of(e.getValue())));
        }
      }
    }
    out.stat("ops", (long) h.size()).stat("attempted", (long) writer.size())
        .stat("acknowledged", acknowledged).stat("read", (long) readers.size());
    return out.build(!readers.isEmpty() || finalSetRead >= 0);
  }
}
