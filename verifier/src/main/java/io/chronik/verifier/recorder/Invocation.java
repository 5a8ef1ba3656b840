package io.chronik.verifier.recorder;

import io.chronik.verifier.history.OpType;
import us.bpsm.edn.Keyword;

/** An invoked, not yet completed operation; complete it exactly once. */
public final class Invocation {
  private final Worker worker;
  private final long process;
  private final Keyword f;

  Invocation(Worker worker, long process, Keyword f) {
    this.worker = worker;
    this.process = process;
    this.f = f;
  }

  public long process() {
    return process;
  }

  public Keyword f() {
    return f;
  }

  /** It took effect; {@code value} is its result (e.g. {@code [[:send 0 [12 5]]]}). */
  public void ok(Object value) {
    worker.completed(this, OpType.OK, value, null);
  }

  /** It certainly did not take effect; {@code error} (may be null) lands in {@code :error}. */
  public void fail(Object value, Object error) {
    worker.completed(this, OpType.FAIL, value, error);
  }

  /** Indeterminate (timeout, crash): the worker moves to a new process id. */
  public void info(Object value, Object error) {
    worker.completed(this, OpType.INFO, value, error);
  }
}
