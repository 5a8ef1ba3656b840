package io.chronik.verifier.recorder;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import us.bpsm.edn.Keyword;

/**
 * The fault ops of a history, the nemesis's side of the recorder (control's {@code Nemesis} applies the
 * faults; this records them): {@code :process :nemesis} ops, completed as {@code :info}
 * (Jepsen's convention). Faults are recorded as {@code :start-<fault>} / {@code :stop-<fault>}
 * pairs, which the report turns into shaded fault intervals.
 */
public final class FaultOps {
  private final HistoryRecorder recorder;

  FaultOps(HistoryRecorder recorder) {
    this.recorder = recorder;
  }

  /** Records the invocation of a nemesis op; complete it with {@link Pending#done}. */
  public Pending invoke(Keyword f, Object value) {
    recorder.append(Op.named(OpType.INVOKE, Op.NEMESIS, f, value));
    return new Pending(f);
  }

  /** Begins a fault interval: call before injecting, then {@link Pending#done} once it is in place. */
  public Pending startFault(String fault, Object value) {
    return invoke(Keyword.newKeyword("start-" + fault), value);
  }

  /** Ends a fault interval: call before healing, then {@link Pending#done} once healed. */
  public Pending stopFault(String fault, Object value) {
    return invoke(Keyword.newKeyword("stop-" + fault), value);
  }

  /** A nemesis op in flight. */
  public final class Pending {
    private final Keyword f;
    private boolean done;

    private Pending(Keyword f) {
      this.f = f;
    }

    /** Records the completion ({@code :info}) with the nemesis's result value. */
    public synchronized void done(Object result) {
      if (done) {
        throw new IllegalStateException("reason=already-completed f=" + f);
      }
      done = true;
      recorder.append(Op.named(OpType.INFO, Op.NEMESIS, f, result));
    }
  }
}
