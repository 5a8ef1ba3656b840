package io.chronik.control.nemesis;

/**
 * Where nemesis operations go: the run's history ({@link HistoryNemesisRecorder}, through the
 * verifier's recorder), a list in tests, or nowhere.
 */
@FunctionalInterface
public interface NemesisRecorder {
  void record(NemesisEvent event);

  NemesisRecorder NONE = event -> { };
}
