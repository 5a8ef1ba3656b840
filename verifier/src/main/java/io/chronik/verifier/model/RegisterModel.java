package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.List;
import java.util.Objects;
import us.bpsm.edn.Keyword;

/**
 * A single register, initially {@code nil}: {@code :read} (ok value = what was read), {@code :write v},
 * and (for {@code cas-register}) {@code :cas [expected new]}. Knossos' register / cas-register and
 * Porcupine's etcd model.
 *
 * <p>Open writes and compare-and-sets take effect if linearized (an open cas sets the new value only
 * when the expected one is there). Open or failed reads and failed writes say nothing and are left
 * out. A failed cas is left out under {@link FailurePolicy#DID_NOT_HAPPEN}; under
 * {@link FailurePolicy#EVIDENCE} it requires the register not to hold the expected value.
 */
public final class RegisterModel implements Model<Object, RegisterModel.Call> {

  static final Keyword READ = Keyword.newKeyword("read");
  static final Keyword WRITE = Keyword.newKeyword("write");
  static final Keyword CAS = Keyword.newKeyword("cas");

  /** A decoded call; {@code kind} 0 read, 1 write, 2 cas; for cas {@code outcome} 0 ok, 1 failed, 2 open. */
  public record Call(int kind, Object arg, Object arg2, int outcome) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "read() -> " + arg;
        case 1 -> "write(" + arg + ")";
        default -> "cas(" + arg + ", " + arg2 + ")" + (outcome == 0 ? " -> ok" : outcome == 1 ? " -> fail" : " -> ?");
      };
    }
  }

  private final boolean cas;
  private final FailurePolicy policy;

  public RegisterModel(boolean cas, FailurePolicy policy) {
    this.cas = cas;
    this.policy = policy;
  }

  @Override
  public String name() {
    return cas ? "cas-register" : "register";
  }

  @Override
  public Object init() {
    return Nil.NIL;
  }

  @Override
  public FailurePolicy failurePolicy() {
    return policy;
  }

  @Override
  public Call call(Operation op) {
    Keyword f = op.f();
    if (READ.equals(f)) {
      return op.isOk() ? new Call(0, Nil.wrap(op.output()), null, 0) : null;
    }
    if (WRITE.equals(f)) {
      return op.isFailed() ? null : new Call(1, Nil.wrap(op.input()), null, 0);
    }
    if (cas && CAS.equals(f)) {
      if (!(op.input() instanceof List<?> pair) || pair.size() != 2) {
        throw ModelException.of(name(), op, "cas-value-not-[expected new]");
      }
      int outcome = op.isOk() ? 0 : op.isFailed() ? 1 : 2;
      if (outcome == 1 && policy == FailurePolicy.DID_NOT_HAPPEN) {
        return null;
      }
      return new Call(2, Nil.wrap(pair.get(0)), Nil.wrap(pair.get(1)), outcome);
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public boolean readOnly(Call c) {
    return c.kind == 0 || (c.kind == 2 && c.outcome == 1);
  }

  @Override
  public Object step(Object state, Call c) {
    switch (c.kind) {
      case 0:
        return Objects.equals(state, c.arg) ? state : null;
      case 1:
        return c.arg;
      default:
        boolean matches = Objects.equals(state, c.arg);
        return switch (c.outcome) {
          case 0 -> matches ? c.arg2 : null;
          case 1 -> matches ? null : state;
          default -> matches ? c.arg2 : state;
        };
    }
  }
}
