package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;

/**
 * A sequential specification, Porcupine style: the object a history is checked against.
 *
 * <p>The checker first {@linkplain #call decodes} every client {@link Operation} of the history into
 * the model's own call type {@code C} (once, so {@link #step} never parses EDN), then searches for a
 * linearization by applying {@link #step} to states.
 *
 * <p>Contract:
 * <ul>
 *   <li>States are immutable, never null, and have value {@code equals}/{@code hashCode}: the checker
 *       memoizes (linearized set, state) pairs, so two states that behave alike should be equal, and a
 *       cheap, well-spread hash matters for speed.
 *   <li>{@link #step} is pure: same state and call, same answer.
 *   <li>An <em>open</em> operation (info or no completion) is linearized at some point after its
 *       invocation, possibly after everything else: its step describes "it took effect here",
 *       accepting any output it could have had. Where its step returns null the checker places it
 *       as "did not happen" (no effect), so open operations never make a history illegal by
 *       themselves.
 *   <li>Failed operations follow the model's {@link FailurePolicy}: under
 *       {@link FailurePolicy#DID_NOT_HAPPEN} {@link #call} returns null for them (they are left out);
 *       under {@link FailurePolicy#EVIDENCE} a failure may constrain the state (a failed
 *       compare-and-set says the register did not hold the expected value).
 * </ul>
 *
 * @param <S> the state type
 * @param <C> the decoded call type
 */
public interface Model<S, C> {

  /** The model's name, as {@code --model} takes it. */
  String name();

  /** The initial state. */
  S init();

  /**
   * Decodes an operation; null leaves it out of the check (a failed op under did-not-happen, an open
   * read that says nothing). Throws {@link ModelException} for ops this model does not understand.
   */
  C call(Operation op);

  /** The state after {@code call} takes effect in {@code state}, or null if it cannot happen there. */
  S step(S state, C call);

  /**
   * True if this call never changes any state: {@code step} returns either null or the very state
   * it was given, whatever the state (a read, a failed compare-and-set). The search commits to such
   * calls as soon as they are legal instead of treating them as choice points, which prunes much of
   * the search; answering false is always safe.
   */
  default boolean readOnly(C call) {
    return false;
  }

  /**
   * The independent sub-history a call belongs to (P-compositionality): calls with different keys
   * never constrain each other, so each key's calls are checked alone, against {@link #init()}.
   * Null (the default) for every call means one partition. A model that partitions must have
   * states that work for one key as for many.
   */
  default Object partitionKey(C call) {
    return null;
  }

  /** The failed-operation policy this model instance applies. */
  FailurePolicy failurePolicy();

  /** Human-readable call, for reports. */
  default String describeCall(C call) {
    return String.valueOf(call);
  }

  /** Human-readable state, for reports. */
  default String describeState(S state) {
    return String.valueOf(state);
  }
}
