package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;

/** An operation the model cannot interpret; the message reads {@code key=value ...}. */
public final class ModelException extends RuntimeException {

  public ModelException(String message) {
    super(message);
  }

  /** "model=M op=... reason=R". */
  public static ModelException of(String model, Operation op, String reason) {
    return new ModelException("model=" + model + " index=" + op.invoke().index() + " process=" + op.process()
        + " f=" + op.f() + " value=" + op.input() + " reason=" + reason);
  }
}
