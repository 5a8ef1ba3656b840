package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import us.bpsm.edn.Keyword;

/**
 * A grow-only set, initially empty: {@code :add v}, and {@code :read} completing with the whole set
 * (any EDN collection, compared as a set). Open adds take effect if linearized; open reads and failed
 * ops are left out.
 */
public final class SetModel implements Model<Set<Object>, SetModel.Call> {
  static final Keyword ADD = Keyword.newKeyword("add");
  static final Keyword READ = Keyword.newKeyword("read");

  /** {@code read} true: the set read; false: the element added. */
  public record Call(boolean read, Object element, Set<Object> seen) {
    @Override
    public String toString() {
      return read ? "read() -> " + seen : "add(" + element + ")";
    }
  }

  private final FailurePolicy policy;

  public SetModel(FailurePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Set<Object> init() {
    return Set.of();
  }

  @Override
  public FailurePolicy failurePolicy() {
    return policy;
  }

  @Override
  public Call call(Operation op) {
    if (op.isFailed()) {
      return null;
    }
    if (ADD.equals(op.f())) {
      return new Call(false, Nil.wrap(op.input()), null);
    }
    if (READ.equals(op.f())) {
      if (!op.isOk()) {
        return null;
      }
      if (!(op.output() instanceof Collection<?> read)) {
        throw ModelException.of(name(), op, "read-output-not-a-collection");
      }
      Set<Object> seen = new HashSet<>();
      read.forEach(v -> seen.add(Nil.wrap(v)));
      return new Call(true, null, Set.copyOf(seen));
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public boolean readOnly(Call c) {
    return c.read;
  }

  @Override
  public Set<Object> step(Set<Object> state, Call c) {
    if (c.read) {
      return state.equals(c.seen) ? state : null;
    }
    if (state.contains(c.element)) {
      return state;
    }
    Set<Object> next = new HashSet<>(state);
    next.add(c.element);
    return Set.copyOf(next);
  }
}
