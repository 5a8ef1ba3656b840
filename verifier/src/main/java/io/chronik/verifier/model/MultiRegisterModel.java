package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.ArrayList;
import java.util.List;
import us.bpsm.edn.Keyword;

/**
 * Several registers, all initially {@code nil}, read and written atomically in transactions (Knossos'
 * multi-register): {@code :txn [[:read k nil] [:write k v] ...]} completing with the reads filled in,
 * {@code [[:read k v] ...]}. An open transaction's reads are unknown: only its writes count. Failed
 * transactions did not happen.
 */
public final class MultiRegisterModel implements Model<MapState, MultiRegisterModel.Call> {
  static final Keyword TXN = Keyword.newKeyword("txn");
  static final Keyword READ = Keyword.newKeyword("read");
  static final Keyword WRITE = Keyword.newKeyword("write");

  /** Micro-ops in order; {@code write[i]} false means a read expecting {@code values[i]} (null: unknown). */
  public record Call(Object[] keys, Object[] values, boolean[] write) {
    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        parts.add((write[i] ? "w " : "r ") + keys[i] + " " + (values[i] == null ? "?" : values[i]));
      }
      return "txn" + parts;
    }
  }

  private final FailurePolicy policy;

  public MultiRegisterModel(FailurePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "multi-register";
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
    if (!TXN.equals(op.f())) {
      throw ModelException.of(name(), op, "unknown-f");
    }
    Object source = op.isOk() ? op.output() : op.input();
    if (!(source instanceof List<?> micro)) {
      throw ModelException.of(name(), op, "txn-value-not-a-vector");
    }
    int n = micro.size();
    Object[] keys = new Object[n];
    Object[] values = new Object[n];
    boolean[] write = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (!(micro.get(i) instanceof List<?> m) || m.size() != 3 || !(READ.equals(m.get(0)) || WRITE.equals(m.get(0)))) {
        throw ModelException.of(name(), op, "micro-op-not-[:read|:write k v]");
      }
      write[i] = WRITE.equals(m.get(0));
      keys[i] = Nil.wrap(m.get(1));
      values[i] = write[i] || op.isOk() ? Nil.wrap(m.get(2)) : null;
    }
    return new Call(keys, values, write);
  }

  @Override
  public MapState step(MapState state, Call c) {
    MapState s = state;
    for (int i = 0; i < c.keys.length; i++) {
      if (c.write[i]) {
        s = s.put(c.keys[i], c.values[i]);
      } else if (c.values[i] != null && !s.get(c.keys[i], Nil.NIL).equals(c.values[i])) {
        return null;
      }
    }
    return s;
  }
}
