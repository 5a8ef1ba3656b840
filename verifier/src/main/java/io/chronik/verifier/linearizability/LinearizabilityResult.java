package io.chronik.verifier.linearizability;

import io.chronik.verifier.report.Anomaly;
import io.chronik.verifier.report.CheckResult;
import io.chronik.verifier.report.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the linearizability search found for a whole history: INVALID if any partition is, else
 * UNKNOWN if any was not decided, else VALID (the words of {@link Verdict}, shared with the Kafka and
 * queue checkers). Partitions are listed in order of first invocation. {@link #toCheckResult} gives
 * the same summary every checker gives, for results.edn and the run report. {@code stoppedBy} says
 * why an UNKNOWN search stopped: {@code time-limit}, {@code memory} (live data filled the heap) or
 * {@code other-partition-invalid}; null when every partition was decided.
 */
public record LinearizabilityResult(Verdict verdict, String model, List<PartitionResult> partitions,
    Duration elapsed, String stoppedBy) {

  /** The anomaly type of a partition with no linearization. */
  public static final String NONLINEARIZABLE = "nonlinearizable";
  /** Cases kept per anomaly type in the summary (all are counted). */
  static final int CASES_MAX = 32;

  /** The invalid partitions. */
  public List<PartitionResult> invalid() {
    return partitions.stream().filter(p -> p.verdict() == Verdict.INVALID).toList();
  }

  /** The partitions the search stopped before deciding (time limit, or another one was invalid). */
  public List<PartitionResult> undecided() {
    return partitions.stream().filter(p -> p.verdict() == Verdict.UNKNOWN).toList();
  }

  public boolean isValid() {
    return verdict == Verdict.VALID;
  }

  /**
   * The shared summary: one {@value #NONLINEARIZABLE} case per invalid partition (its key, the
   * length of the longest linearizable prefix, the operation that cannot be placed; the case's op id
   * is that operation's id, i.e. its row in a timeline of the history's client operations), and
   * stats: partitions, partitions-undecided, the first undecided keys, steps, check-ms.
   */
  public CheckResult toCheckResult() {
    CheckResult.Builder b = CheckResult.builder(model, CASES_MAX);
    long steps = 0;
    List<Object> undecidedKeys = new ArrayList<>();
    for (PartitionResult p : partitions) {
      steps += p.steps();
      if (p.verdict() == Verdict.INVALID) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("key", p.key());
        detail.put("linearizable-prefix", (long) p.longestPrefix().size());
        detail.put("cannot-place", String.valueOf(p.offending()));
        b.add(new Anomaly(NONLINEARIZABLE, detail, p.offending() == null ? List.of() : List.of(p.offending().id())));
      } else if (p.verdict() == Verdict.UNKNOWN && undecidedKeys.size() < CASES_MAX) {
        undecidedKeys.add(p.key());
      }
    }
    long undecided = partitions.stream().filter(p -> p.verdict() == Verdict.UNKNOWN).count();
    b.stat("partitions", (long) partitions.size()).stat("partitions-undecided", undecided)
        .stat("undecided-keys", undecidedKeys).stat("steps", steps).stat("check-ms", elapsed.toMillis());
    if (stoppedBy != null) {
      b.stat("stopped-by", us.bpsm.edn.Keyword.newKeyword(stoppedBy));
    }
    return b.build(undecided == 0);
  }
}
