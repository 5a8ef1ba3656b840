package io.chronik.control.workload.client;

import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.Worker;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import us.bpsm.edn.Keyword;

/** A client thread of the control node recording straight into the history through its {@link Worker}. */
public final class RecorderChannel implements ClientChannel {
  private final Worker worker;
  private final AtomicBoolean running;
  private final CompletionListener completed;
  private Invocation pending;
  private Object pendingValue;

  /**
   * @param running cleared to stop the client at its next invocation
   * @param completed told of every completion
   */
  public RecorderChannel(Worker worker, AtomicBoolean running, CompletionListener completed) {
    this.worker = worker;
    this.running = running;
    this.completed = completed;
  }

  @Override
  public boolean invoke(Keyword f, Object value, Map<Keyword, Object> extra) {
    if (!running.get()) {
      return false;
    }
    pending = worker.invoke(f, value, extra);
    pendingValue = value;
    return true;
  }

  @Override
  public void ok(Object value) {
    Invocation inv = take();
    inv.ok(value);
    completed.completed(inv.f(), pendingValue, ClientMessage.Type.OK);
  }

  @Override
  public void fail(Object value, Object error) {
    Invocation inv = take();
    inv.fail(value, error);
    completed.completed(inv.f(), pendingValue, ClientMessage.Type.FAIL);
  }

  @Override
  public void info(Object value, Object error) {
    Invocation inv = take();
    inv.info(value, error);
    completed.completed(inv.f(), pendingValue, ClientMessage.Type.INFO);
  }

  private Invocation take() {
    Invocation inv = pending;
    if (inv == null) {
      throw new IllegalStateException("process=" + worker.process() + " reason=no-operation-in-flight");
    }
    pending = null;
    return inv;
  }
}
