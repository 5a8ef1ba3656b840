package io.chronik.control.run;

import io.chronik.verifier.report.Verdict;
import java.nio.file.Path;
import java.util.Map;

/** What one run produced: its folder, seed, verdict, recorded operations and injected faults (in all and per fault). */
public record RunOutcome(Path dir, long seed, Verdict verdict, long ops, long faults, Map<String, Long> faultsByName) {
  public RunOutcome {
    faultsByName = Map.copyOf(faultsByName);
  }
}
