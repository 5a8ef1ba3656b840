package io.chronik.verifier.linearizability;

/** The outcome of a check. */
public enum Verdict {
  /** A linearization exists. */
  OK,
  /** No linearization exists. */
  ILLEGAL,
  /** The check was stopped (time limit, or another partition was found illegal) before deciding. */
  UNKNOWN;

  /** Combines partition verdicts: any ILLEGAL wins, then any UNKNOWN. */
  static Verdict combine(Verdict a, Verdict b) {
    if (a == ILLEGAL || b == ILLEGAL) {
      return ILLEGAL;
    }
    return a == UNKNOWN || b == UNKNOWN ? UNKNOWN : OK;
  }
}
