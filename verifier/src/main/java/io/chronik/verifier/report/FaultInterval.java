package io.chronik.verifier.report;

/**
 * A span of time during which the nemesis had a fault active, in history nanoseconds.
 * {@code endNanos} is {@link Long#MAX_VALUE} when the fault was never healed. {@code targets} names
 * the nodes it hit when the opener's value says so ({@code {:targets [...] :shape ...}}), else "".
 */
public record FaultInterval(String fault, long startNanos, long endNanos, String targets) {
  public FaultInterval(String fault, long startNanos, long endNanos) {
    this(fault, startNanos, endNanos, "");
  }

  public boolean healed() {
    return endNanos != Long.MAX_VALUE;
  }
}
