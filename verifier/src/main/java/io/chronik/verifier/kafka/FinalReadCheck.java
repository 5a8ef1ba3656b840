package io.chronik.verifier.kafka;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Timeline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Acknowledged values missing from the final reads ({@code vanished}). When a run ended healed with
 * complete final reads, its final reader assigned every partition from the beginning after every send
 * had completed and read each to its end, so what it read is each partition's final content. An
 * acknowledged value it did not read is gone, even when an earlier poll saw it: a lone replica that lost
 * its disk comes back with an empty log, and no later read past a hole shows the loss, so neither
 * {@code lost-write} (a later read beyond the value) nor {@code unseen} (never read at all) names it.
 * Only a reader that declared {@code :seek-to-beginning? true} on its assign is taken as the final one.
 * A value below the log start it recorded is {@link Trimming}'s case (retention), not vanished.
 */
final class FinalReadCheck {
  private FinalReadCheck() {}

  static void vanished(KafkaIndex ix, Trimming trimming, CheckResult.Builder out) {
    KafkaHistory h = ix.h;
    int assign = trimming.assign();
    if (assign < 0) {
      return;
    }
    Map<Long, LongLongMap> finalReads = finalReads(h, assign);
    for (int m = h.mopStart(assign); m < h.mopEnd(assign); m++) {
      long key = h.mopKey(m);
      LongLongMap writers = ix.writerOf.get(key);
      if (writers == null) {
        continue;
      }
      LongLongMap read = finalReads.getOrDefault(key, new LongLongMap());
      for (long v : writers.sortedKeys()) {
        int w = (int) writers.get(v, -1);
        // never read at all is unseen's case; here: read once, absent at the end
        if (h.type(w) == Timeline.OK && ix.okRead(key, v) && !read.containsKey(v) && !trimming.below(key, v, w, out)) {
          out.add(new Anomaly("vanished", KafkaChecker.detail("key", key, "value", v, "final-reader", (long) h.process(assign)),
              List.of(w, (int) ix.okReaderOf.get(key).get(v, -1), assign)));
        }
      }
    }
  }

  /** The last OK assign from the beginning invoked after every send completed, or -1. */
  static int finalAssign(KafkaHistory h) {
    long lastSendDone = -1;
    for (int op = 0; op < h.size(); op++) {
      if (sends(h, op) && h.completeIndex(op) != Long.MAX_VALUE) {
        lastSendDone = Math.max(lastSendDone, h.completeIndex(op));
      }
    }
    int found = -1;
    for (int op = 0; op < h.size(); op++) {
      if ("assign".equals(h.f(op)) && h.type(op) == Timeline.OK && h.seeksToBeginning(op)
          && h.invokeIndex(op) > lastSendDone && (found < 0 || h.invokeIndex(op) > h.invokeIndex(found))) {
        found = op;
      }
    }
    return found;
  }

  private static boolean sends(KafkaHistory h, int op) {
    for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
      if (h.mopKind(m) == KafkaHistory.M_SEND) {
        return true;
      }
    }
    return false;
  }

  /** key → values the final reader's OK polls after its assign read. */
  private static Map<Long, LongLongMap> finalReads(KafkaHistory h, int assign) {
    Map<Long, LongLongMap> read = new HashMap<>();
    int reader = h.process(assign);
    for (int op = 0; op < h.size(); op++) {
      if (h.process(op) != reader || h.type(op) != Timeline.OK || h.invokeIndex(op) < h.completeIndex(assign)) {
        continue;
      }
      for (int m = h.mopStart(op); m < h.mopEnd(op); m++) {
        if (h.mopKind(m) == KafkaHistory.M_READ) {
          read.computeIfAbsent(h.mopKey(m), k -> new LongLongMap()).put(h.mopValue(m), 1);
        }
      }
    }
    return read;
  }
}
