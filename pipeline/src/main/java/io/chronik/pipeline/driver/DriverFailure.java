package io.chronik.pipeline.driver;

/** Why a {@link RaftDriver} stopped for good; {@link #key} is the {@code reason=} value of its log lines. */
public enum DriverFailure {
  /** A write or sync of the node's storage failed (I/O error, ENOSPC, a failed fsync). */
  STORAGE_FAILED("storage-failed"),
  /** A Ready committed beyond what this node had made durable: acknowledging it could lose writes. */
  COMMIT_BEYOND_DURABLE("commit-beyond-durable"),
  /** Anything else thrown on the driver thread (a bug in a group or applier): its state is unknown. */
  LOOP_FAILED("loop-failed");

  private final String key;

  DriverFailure(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** The failure a throwable of the driver loop stands for. */
  static DriverFailure of(Throwable cause) {
    if (cause instanceof DurabilityViolation) {
      return COMMIT_BEYOND_DURABLE;
    }
    return cause instanceof java.io.UncheckedIOException || cause instanceof java.io.IOException
        ? STORAGE_FAILED : LOOP_FAILED;
  }
}
