package io.chronik.control.scenario;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One claim a scenario makes beyond a valid run (e.g. "no write acknowledged while the quorum was
 * lost"), judged from the run's history (and, for replica claims, the replica agreement the run
 * recorded in results.edn), never assumed from the fault having been injected.
 */
public interface ScenarioCheck {
  /** The claim, one line, in the summary and the console. */
  String claim();

  /** Whether the run kept the claim, with what was measured (key=value). */
  Result judge(ScenarioHistory history, Path runDir) throws IOException;

  /** A judged claim. */
  record Result(String claim, boolean passed, String measurement) {}
}
