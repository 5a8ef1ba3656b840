package io.chronik.control.workload;

import io.chronik.verifier.history.EdnHistoryReader;
import io.chronik.verifier.history.History;
import io.chronik.verifier.linearizability.HtmlVisualizer;
import io.chronik.verifier.linearizability.LinearizabilityChecker;
import io.chronik.verifier.linearizability.PartitionResult;
import io.chronik.verifier.model.Model;
import io.chronik.verifier.model.ModelCatalog;
import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.RunReport;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a register history: the linearizability checker against the keyed-register model (each
 * {@code [group partition]} key alone), then the run report (verdict, one {@code nonlinearizable}
 * case per illegal key, the plots with fault intervals) plus {@code linearizability.html}, the
 * checker's own view of every key (the linearizable prefix and the operation that cannot be placed).
 */
public final class RegisterChecks {
  /** A search that has not decided by then is reported unknown rather than holding the run forever. */
  static final Duration CHECK_TIME_LIMIT = Duration.ofMinutes(3);

  private RegisterChecks() {}

  public static Verdict run(Path history, Path runDir, PrintWriter out) throws IOException {
    long start = System.nanoTime();
    History h = EdnHistoryReader.read(history);
    Model<?, ?> model = ModelCatalog.byName("keyed-register", null);
    io.chronik.verifier.linearizability.LinearizabilityResult lin =
        new LinearizabilityChecker(LinearizabilityChecker.Options.defaults().withTimeLimit(CHECK_TIME_LIMIT))
            .check(model, h);
    RegisterTimeline timeline = RegisterTimeline.read(history);
    CheckResult result = toReport(lin, timeline, h.operations().stream().anyMatch(op -> op.isOk()));
    long checkedMs = (System.nanoTime() - start) / 1_000_000;
    out.printf("%s: %s (model=keyed-register ops=%d keys=%d check-ms=%d)%n", history, result.verdict(),
        timeline.size(), lin.partitions().size(), checkedMs);
    result.counts().forEach((type, n) -> out.printf("  %s %d%n", type, n));
    RunReport.write(runDir, history.getFileName() + " (register on group offsets)", result, timeline);
    HtmlVisualizer.write(model, lin, runDir.resolve("linearizability.html"));
    out.printf("report: %s%n", runDir.resolve("report.html"));
    out.flush();
    return result.verdict();
  }

  static CheckResult toReport(io.chronik.verifier.linearizability.LinearizabilityResult lin, RegisterTimeline timeline,
      boolean evidence) {
    CheckResult.Builder b = CheckResult.builder("keyed-register", 12)
        .stat("keys", (long) lin.partitions().size())
        .stat("check-ms", lin.elapsed().toMillis());
    long undecided = 0;
    for (PartitionResult p : lin.partitions()) {
      switch (p.verdict()) {
        case INVALID -> {
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("key", p.key());
          detail.put("linearizable-prefix", (long) p.longestPrefix().size());
          detail.put("cannot-place", String.valueOf(p.offending()));
          List<Integer> rows = new ArrayList<>();
          if (p.offending() != null) {
            Integer row = timeline.row(p.offending().invoke().index());
            if (row != null) {
              rows.add(row);
            }
          }
          b.add(new Anomaly("nonlinearizable", detail, rows));
        }
        case UNKNOWN -> undecided++;
        default -> { }
      }
    }
    b.stat("keys-undecided", undecided);
    return b.build(evidence && undecided == 0);
  }
}
