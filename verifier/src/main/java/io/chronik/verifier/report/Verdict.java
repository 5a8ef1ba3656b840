package io.chronik.verifier.report;

/**
 * Outcome of every checker (linearizability, Kafka, queue), in Jepsen's words: {@code :valid?} true,
 * false or {@code :unknown}; the CLI maps it to exit codes 0 / 1 / 2.
 */
public enum Verdict {
  VALID(0),
  INVALID(1),
  /** Nothing the checker can vouch for either way (e.g. nothing was ever read). */
  UNKNOWN(2);

  private final int exitCode;

  Verdict(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Both together (partitions, keys): any INVALID wins, then any UNKNOWN. */
  public Verdict and(Verdict other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : VALID;
  }

  /** The EDN value of {@code :valid?}: true, false or :unknown (Jepsen's convention). */
  public Object ednValid() {
    return switch (this) {
      case VALID -> Boolean.TRUE;
      case INVALID -> Boolean.FALSE;
      case UNKNOWN -> us.bpsm.edn.Keyword.newKeyword("unknown");
    };
  }
}
