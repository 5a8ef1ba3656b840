package io.chronik.control.workload;

import io.chronik.control.nemesis.ClientFleet;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client workload a run drives: it records every operation into the run's history while the
 * nemesis works, reads back what it can after the final heal, and knows which checker judges it.
 */
public interface Workload {
  /** Name as on the command line ({@code --workload}). */
  String name();

  /** Topic the workload needs (created by the run before {@link #start}). */
  String topic();

  /** Starts the client threads; returns at once. */
  void start();

  /** Stops the client threads (waiting for their last operation to be recorded). */
  void stop() throws InterruptedException;

  /**
   * After the final heal and recovery: reads back everything that should be there. Returns true
   * only when it read all of it, which is what turns "never read" into a proven error.
   */
  boolean finalReads(Duration deadline);

  /** Operations completed ok so far. */
  long okCount();

  /** Operations that failed or whose outcome is unknown so far. */
  long errorCount();

  /** Its clients running as separate processes, which client faults kill and restart; none by default. */
  default ClientFleet clients() {
    return ClientFleet.NONE;
  }

  /** Checks the recorded history and writes report.html, results.edn and charts into {@code runDir}. */
  Verdict check(Path history, Path runDir, boolean finalReadsComplete, PrintWriter out) throws IOException;
}
