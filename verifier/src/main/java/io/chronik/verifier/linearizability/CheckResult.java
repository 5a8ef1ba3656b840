package io.chronik.verifier.linearizability;

import java.time.Duration;
import java.util.List;

/**
 * The verdict for a whole history: ILLEGAL if any partition is, else UNKNOWN if any was not decided,
 * else OK. Partitions are listed in order of first invocation.
 */
public record CheckResult(Verdict verdict, String model, List<PartitionResult> partitions, Duration elapsed) {

  /** The illegal partitions. */
  public List<PartitionResult> illegal() {
    return partitions.stream().filter(p -> p.verdict() == Verdict.ILLEGAL).toList();
  }

  public boolean isOk() {
    return verdict == Verdict.OK;
  }
}
