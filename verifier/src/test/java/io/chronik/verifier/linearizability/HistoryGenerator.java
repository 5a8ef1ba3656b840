package io.chronik.verifier.linearizability;

import io.chronik.verifier.history.History;
import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import us.bpsm.edn.Keyword;

/**
 * Builds concurrent histories from a list of (f, input, outcome, output) operations in a chosen
 * linearization order: operation i takes effect at time 10·i and its invocation and completion are
 * spread randomly around that point, so real-time order is consistent with the given order. Processes
 * never overlap themselves; after an info completion the process retires and a new id takes over.
 */
final class HistoryGenerator {
  record Planned(Keyword f, Object input, OpType outcome, Object output) {}

  private record Event(long time, int seq, Op op) {}

  private HistoryGenerator() {}

  static History concurrent(List<Planned> plan, Random random, int spread) {
    List<Event> events = new ArrayList<>();
    List<Long> freeAt = new ArrayList<>();
    List<Long> processIds = new ArrayList<>();
    long nextProcess = 0;
    int seq = 0;
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      long point = 10L * i;
      long invoke = point - random.nextInt(spread + 1);
      long complete = point + 1 + random.nextInt(spread + 1);
      int slot = -1;
      for (int s = 0; s < freeAt.size(); s++) {
        if (freeAt.get(s) < invoke) {
          slot = s;
          break;
        }
      }
      if (slot < 0) {
        slot = freeAt.size();
        freeAt.add(0L);
        processIds.add(nextProcess++);
      }
      long process = processIds.get(slot);
      freeAt.set(slot, complete);
      if (p.outcome() == OpType.INFO) {
        processIds.set(slot, nextProcess++);
      }
      events.add(new Event(invoke, seq++, Op.invoke(process, p.f(), p.input())));
      events.add(new Event(complete, seq++, Op.complete(p.outcome(), process, p.f(), p.output())));
    }
    events.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::seq));
    return History.indexed(events.stream().map(Event::op).toList());
  }
}
