package io.chronik.verifier.report;

/**
 * A span of time during which the nemesis had a fault active, in history nanoseconds.
 * {@code endNanos} is {@link Long#MAX_VALUE} when the fault was never healed.
 */
public record FaultInterval(String fault, long startNanos, long endNanos) {
  public boolean healed() {
    return endNanos != Long.MAX_VALUE;
  }
}
