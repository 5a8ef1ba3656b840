package io.chronik.verifier.history;

import us.bpsm.edn.Keyword;

/**
 * An invocation paired with its completion: what a checker reasons about.
 *
 * <p>{@code id} is the operation's 0-based position among the operations of its {@link History}
 * (ordered by invocation). {@code completion} is null when the history ended before the operation
 * completed. An operation is <em>open</em> when it has no completion or an {@code info} one: it may
 * take effect at any point after its invocation, up to and including "never".
 *
 * <p>{@code invokePosition} and {@code completionPosition} are the positions of the two events in the
 * history's op list; an open operation's completion position is {@link Integer#MAX_VALUE} (the end of
 * time), whatever its info line says. Real-time order: a precedes b iff
 * {@code a.completionPosition() < b.invokePosition()}.
 */
public record Operation(int id, Op invoke, Op completion, int invokePosition, int completionPosition) {

  /** Completion position of open operations. */
  public static final int END_OF_TIME = Integer.MAX_VALUE;

  public long process() {
    return invoke.process();
  }

  public Keyword f() {
    return invoke.f();
  }

  /** The invocation's value (the input). */
  public Object input() {
    return invoke.value();
  }

  /** The completion's value (the output), or null if there is no completion. */
  public Object output() {
    return completion == null ? null : completion.value();
  }

  /** OK, FAIL or INFO; INFO also for an operation that never completed. */
  public OpType outcome() {
    return completion == null ? OpType.INFO : completion.type();
  }

  public boolean isOk() {
    return outcome() == OpType.OK;
  }

  public boolean isFailed() {
    return outcome() == OpType.FAIL;
  }

  /** Indeterminate: no completion, or an info one. */
  public boolean isOpen() {
    return outcome() == OpType.INFO;
  }

  /** True if this operation completed before {@code other} was invoked. */
  public boolean precedes(Operation other) {
    return completionPosition < other.invokePosition;
  }

  @Override
  public String toString() {
    return "op=" + id + " process=" + process() + " f=" + f() + " input=" + input()
        + " outcome=" + outcome().keyword() + " output=" + output();
  }
}
