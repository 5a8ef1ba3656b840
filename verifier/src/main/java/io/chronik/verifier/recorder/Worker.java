package io.chronik.verifier.recorder;

import io.chronik.verifier.history.OpType;
import us.bpsm.edn.Keyword;

/**
 * One client thread's view of the recorder. A worker runs one operation at a time (as a Jepsen
 * process does); it must not be used by two threads at once, but different workers may record
 * concurrently.
 */
public final class Worker {
  private final HistoryRecorder recorder;
  private final int thread;
  private long process;
  private Invocation pending;

  Worker(HistoryRecorder recorder, int thread) {
    this.recorder = recorder;
    this.thread = thread;
    this.process = thread;
  }

  /** The current Jepsen process id; changes after every info completion. */
  public synchronized long process() {
    return process;
  }

  public int thread() {
    return thread;
  }

  /** Records the invocation now and returns the handle to complete it with. */
  public Invocation invoke(Keyword f, Object value) {
    return invoke(f, value, java.util.Map.of());
  }

  /** As {@link #invoke(Keyword, Object)}, with extra keys on the invocation (e.g. :seek-to-beginning? true). */
  public synchronized Invocation invoke(Keyword f, Object value, java.util.Map<Keyword, Object> extra) {
    if (pending != null) {
      throw new IllegalStateException("thread=" + thread + " process=" + process + " reason=operation-pending f="
          + pending.f());
    }
    recorder.append(HistoryRecorder.client(OpType.INVOKE, process, f, value).withExtra(extra));
    pending = new Invocation(this, process, f);
    return pending;
  }

  synchronized void completed(Invocation inv, OpType type, Object value, Object error) {
    if (pending != inv) {
      throw new IllegalStateException("thread=" + thread + " process=" + inv.process() + " reason=already-completed f="
          + inv.f());
    }
    recorder.append(HistoryRecorder.withError(HistoryRecorder.client(type, inv.process(), inv.f(), value), error));
    pending = null;
    if (type == OpType.INFO) {
      // The op may still take effect at any time: this process never invokes again (Jepsen's rule).
      process += recorder.concurrency();
    }
  }
}
