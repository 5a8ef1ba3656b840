package io.chronik.control.nemesis;

/**
 * Where nemesis operations go. The history recorder (verifier, io.chronik.verifier.recorder) will be
 * adapted to this when it lands; until then tests and the CLI use a list or the log.
 */
@FunctionalInterface
public interface NemesisRecorder {
  void record(NemesisEvent event);

  NemesisRecorder NONE = event -> { };
}
