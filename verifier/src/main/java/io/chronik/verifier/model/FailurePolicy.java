package io.chronik.verifier.model;

/** What a {@code :fail} completion means to a model. */
public enum FailurePolicy {
  /** Knossos: a failed operation did not happen and is left out of the check. */
  DID_NOT_HAPPEN,
  /**
   * Porcupine: a failed operation did not change the state, and where the failure has a reason the
   * model can read (a failed compare-and-set: the register did not hold the expected value) it is
   * checked like any other result.
   */
  EVIDENCE;

  /** Parses {@code did-not-happen} / {@code evidence}. */
  public static FailurePolicy parse(String text) {
    return switch (text) {
      case "did-not-happen" -> DID_NOT_HAPPEN;
      case "evidence" -> EVIDENCE;
      default -> throw new IllegalArgumentException("failed=" + text + " reason=unknown-policy expected=did-not-happen|evidence");
    };
  }
}
