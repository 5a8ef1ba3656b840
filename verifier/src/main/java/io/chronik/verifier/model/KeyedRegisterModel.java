package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.List;
import us.bpsm.edn.Keyword;

/**
 * Many independent registers, each initially {@code nil} (Jepsen's {@code independent} register):
 * {@code :write [k v]} and {@code :read [k nil]} completing as {@code [k v]}. Keys are any EDN values
 * (e.g. {@code ["group" 3]} for a consumer group's committed offset of partition 3); values any EDN
 * value, {@code nil} meaning "never written".
 *
 * <p>Each key is an independent sub-history (P-compositionality). Open writes may take effect; open
 * or failed reads say nothing and are left out; failed writes did not happen (a failed write carries
 * no evidence about the state under either policy).
 */
public final class KeyedRegisterModel implements Model<MapState, KeyedRegisterModel.Call> {
  static final Keyword READ = Keyword.newKeyword("read");
  static final Keyword WRITE = Keyword.newKeyword("write");

  /** {@code write} true for a write of {@code value}, false for a read that returned it. */
  public record Call(boolean write, Object key, Object value) {
    @Override
    public String toString() {
      return (write ? "write(" + key + ", " : "read(" + key + ") -> ") + value + (write ? ")" : "");
    }
  }

  private final FailurePolicy policy;

  public KeyedRegisterModel(FailurePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "keyed-register";
  }

  @Override
  public MapState init() {
    return MapState.EMPTY;
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
    if (!(op.input() instanceof List<?> tuple) || tuple.size() != 2 || tuple.get(0) == null) {
      throw ModelException.of(name(), op, "value-not-[key value]");
    }
    Object key = tuple.get(0);
    if (WRITE.equals(op.f())) {
      return new Call(true, key, Nil.wrap(tuple.get(1)));
    }
    if (READ.equals(op.f())) {
      if (!op.isOk()) {
        return null;
      }
      if (!(op.output() instanceof List<?> out) || out.size() != 2 || !key.equals(out.get(0))) {
        throw ModelException.of(name(), op, "read-output-not-[same-key value]");
      }
      return new Call(false, key, Nil.wrap(out.get(1)));
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public boolean readOnly(Call c) {
    return !c.write;
  }

  @Override
  public MapState step(MapState state, Call c) {
    if (c.write) {
      return state.put(c.key, c.value);
    }
    return state.get(c.key, Nil.NIL).equals(c.value) ? state : null;
  }

  @Override
  public Object partitionKey(Call call) {
    return call.key;
  }
}
