package io.chronik.control.nemesis;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where nemesis operations go: the run's history ({@link HistoryNemesisRecorder}, through the
 * verifier's recorder), a list in tests, or nowhere.
 */
@FunctionalInterface
public interface NemesisRecorder {
  void record(NemesisEvent event);

  NemesisRecorder NONE = event -> { };

  /** This recorder, also counting each fault put in place (a start's completion) into {@code count}. */
  default NemesisRecorder counting(AtomicLong count) {
    return event -> {
      record(event);
      if (event.phase().equals("info") && event.f().startsWith("start-")) {
        count.incrementAndGet();
      }
    };
  }
}
