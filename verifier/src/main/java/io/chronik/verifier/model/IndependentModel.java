package io.chronik.verifier.model;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.Operation;
import java.util.List;
import java.util.RandomAccess;

/**
 * A single-key model applied to a {@code jepsen.independent} history: every client value is a
 * {@code [key value]} tuple, and each key is an independent object checked alone against the
 * single-key model (Knossos' {@code independent/checker}). Calls are the inner model's, tagged with
 * their key; {@link #partitionKey} is that key, so the checker searches each key separately and the
 * state is always one key's.
 *
 * <p>A completion whose value is not a tuple (a failure or an info with {@code nil}) keeps its value;
 * a completion tuple naming another key than its invocation is refused.
 *
 * @param <S> the inner model's state
 * @param <C> the inner model's call
 */
public final class IndependentModel<S, C> implements Model<S, IndependentModel.Keyed<C>> {

  /** An inner call and the key it belongs to. */
  public record Keyed<C>(Object key, C call) {
    @Override
    public String toString() {
      return key + " " + call;
    }
  }

  private final Model<S, C> inner;

  public IndependentModel(Model<S, C> inner) {
    this.inner = inner;
  }

  /** Wraps {@code inner}; a helper for the wildcard-typed models of {@link ModelCatalog}. */
  public static Model<?, ?> of(Model<?, ?> inner) {
    return new IndependentModel<>(inner);
  }

  /**
   * True if every client operation of {@code operations} (at least one) has a {@code [key value]}
   * invocation value and {@code inner} can read each one unwrapped: how {@code chronik check}
   * recognises an independent history when not told. A single-key history does not pass, because
   * its reads are invoked with {@code nil} or its values do not decode once unwrapped.
   */
  public static boolean looksIndependent(Model<?, ?> inner, List<Operation> operations) {
    if (operations.isEmpty()) {
      return false;
    }
    for (Operation op : operations) {
      if (!isTuple(op.input())) {
        return false;
      }
    }
    try {
      for (Operation op : operations) {
        inner.call(unwrap(op));
      }
    } catch (ModelException e) {
      return false;
    }
    return true;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public S init() {
    return inner.init();
  }

  @Override
  public Keyed<C> call(Operation op) {
    if (!isTuple(op.input())) {
      throw ModelException.of(name(), op, "independent-value-not-[key value]");
    }
    Object key = ((List<?>) op.input()).get(0);
    if (op.completion() != null && isTuple(op.output()) && !key.equals(((List<?>) op.output()).get(0))) {
      throw ModelException.of(name(), op, "independent-completion-key-differs completion-index="
          + op.completion().index());
    }
    C call = inner.call(unwrap(op));
    return call == null ? null : new Keyed<>(key, call);
  }

  private static boolean isTuple(Object value) {
    return value instanceof List<?> l && l instanceof RandomAccess && l.size() == 2 && l.get(0) != null;
  }

  /** The operation with its values unwrapped from their tuples; same id and positions. */
  static Operation unwrap(Operation op) {
    Op invoke = op.invoke().withValue(((List<?>) op.input()).get(1));
    Op completion = op.completion();
    if (completion != null && isTuple(completion.value())) {
      completion = completion.withValue(((List<?>) completion.value()).get(1));
    }
    return new Operation(op.id(), invoke, completion, op.invokePosition(), op.completionPosition());
  }

  @Override
  public S step(S state, Keyed<C> call) {
    return inner.step(state, call.call());
  }

  @Override
  public boolean readOnly(Keyed<C> call) {
    return inner.readOnly(call.call());
  }

  @Override
  public Object partitionKey(Keyed<C> call) {
    return call.key();
  }

  @Override
  public FailurePolicy failurePolicy() {
    return inner.failurePolicy();
  }

  @Override
  public String describeCall(Keyed<C> call) {
    return call.key() + " " + inner.describeCall(call.call());
  }

  @Override
  public String describeState(S state) {
    return inner.describeState(state);
  }
}
