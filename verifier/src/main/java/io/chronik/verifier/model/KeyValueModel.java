package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.List;
import us.bpsm.edn.Keyword;

/**
 * A string key-value store where every key starts as {@code ""} (Porcupine's kv model, the MIT 6.824
 * lab): {@code :get [k nil]} completing as {@code [k v]}, {@code :put [k v]}, {@code :append [k v]}
 * (concatenates). Values are {@code [key value]} tuples, Jepsen's "independent" convention.
 *
 * <p>With {@code partitioned} each key is an independent sub-history (P-compositionality). Open gets
 * and failed ops say nothing and are left out (a failed put or append did not happen under either
 * policy: it carries no evidence about the state).
 */
public final class KeyValueModel implements Model<MapState, KeyValueModel.Call> {

  static final Keyword GET = Keyword.newKeyword("get");
  static final Keyword PUT = Keyword.newKeyword("put");
  static final Keyword APPEND = Keyword.newKeyword("append");

  /** {@code kind} 0 get, 1 put, 2 append. */
  public record Call(int kind, Object key, String value) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "get(" + key + ") -> \"" + value + "\"";
        case 1 -> "put(" + key + ", \"" + value + "\")";
        default -> "append(" + key + ", \"" + value + "\")";
      };
    }
  }

  private final boolean partitioned;
  private final FailurePolicy policy;

  public KeyValueModel(boolean partitioned, FailurePolicy policy) {
    this.partitioned = partitioned;
    this.policy = policy;
  }

  @Override
  public String name() {
    return partitioned ? "key-value" : "key-value-single";
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
    Keyword f = op.f();
    if (GET.equals(f)) {
      if (!op.isOk()) {
        return null;
      }
      if (!(op.output() instanceof List<?> out) || out.size() != 2 || !(out.get(1) instanceof String read)) {
        throw ModelException.of(name(), op, "get-output-not-[key string]");
      }
      return new Call(0, key, read);
    }
    if (!(tuple.get(1) instanceof String arg)) {
      throw ModelException.of(name(), op, "value-not-a-string");
    }
    if (PUT.equals(f)) {
      return new Call(1, key, arg);
    }
    if (APPEND.equals(f)) {
      return new Call(2, key, arg);
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public boolean readOnly(Call c) {
    return c.kind == 0 || (c.kind == 2 && c.value.isEmpty());
  }

  @Override
  public MapState step(MapState state, Call c) {
    return switch (c.kind) {
      case 0 -> state.get(c.key, "").equals(c.value) ? state : null;
      case 1 -> state.put(c.key, c.value);
      default -> c.value.isEmpty() ? state : state.put(c.key, (String) state.get(c.key, "") + c.value);
    };
  }

  @Override
  public Object partitionKey(Call call) {
    return partitioned ? call.key : null;
  }
}
