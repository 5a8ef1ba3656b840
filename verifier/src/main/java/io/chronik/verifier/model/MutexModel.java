package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import us.bpsm.edn.Keyword;

/**
 * A lock: {@code :acquire} succeeds only when free, {@code :release} only when held (no owner
 * tracking, as Knossos' mutex). Open acquires/releases take effect if linearized; failed ones did not
 * happen under either policy (a failed acquire carries no reliable evidence: clients time out).
 */
public final class MutexModel implements Model<Boolean, Boolean> {
  static final Keyword ACQUIRE = Keyword.newKeyword("acquire");
  static final Keyword RELEASE = Keyword.newKeyword("release");

  private final FailurePolicy policy;

  public MutexModel(FailurePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "mutex";
  }

  @Override
  public Boolean init() {
    return Boolean.FALSE;
  }

  @Override
  public FailurePolicy failurePolicy() {
    return policy;
  }

  /** The call is TRUE for acquire, FALSE for release. */
  @Override
  public Boolean call(Operation op) {
    if (op.isFailed()) {
      return null;
    }
    if (ACQUIRE.equals(op.f())) {
      return Boolean.TRUE;
    }
    if (RELEASE.equals(op.f())) {
      return Boolean.FALSE;
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public Boolean step(Boolean locked, Boolean acquire) {
    return locked.booleanValue() != acquire.booleanValue() ? acquire : null;
  }

  @Override
  public String describeCall(Boolean acquire) {
    return acquire ? "acquire()" : "release()";
  }

  @Override
  public String describeState(Boolean locked) {
    return locked ? "locked" : "free";
  }
}
