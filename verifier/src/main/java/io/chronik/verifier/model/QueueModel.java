package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import us.bpsm.edn.Keyword;

/**
 * A queue, initially empty: {@code :enqueue v}, {@code :dequeue} completing with the value taken.
 * FIFO: a dequeue must take the head. Unordered (Knossos' unordered-queue): any element present.
 *
 * <p>Open enqueues take effect if linearized. Open dequeues (value unknown) and failed ops are left
 * out, so this model supports {@link FailurePolicy#DID_NOT_HAPPEN} only: leaving out an open dequeue
 * can only make the model more permissive, never report a false violation, whereas reading a failed
 * dequeue as "the queue was empty" would need the unknown effect of open dequeues.
 */
public final class QueueModel implements Model<SeqState, QueueModel.Call> {
  static final Keyword ENQUEUE = Keyword.newKeyword("enqueue");
  static final Keyword DEQUEUE = Keyword.newKeyword("dequeue");

  /** An enqueue or dequeue of {@code value}. */
  public record Call(boolean enqueue, Object value) {
    @Override
    public String toString() {
      return enqueue ? "enqueue(" + value + ")" : "dequeue() -> " + value;
    }
  }

  private final boolean fifo;

  public QueueModel(boolean fifo) {
    this.fifo = fifo;
  }

  @Override
  public String name() {
    return fifo ? "fifo-queue" : "unordered-queue";
  }

  @Override
  public SeqState init() {
    return SeqState.EMPTY;
  }

  @Override
  public FailurePolicy failurePolicy() {
    return FailurePolicy.DID_NOT_HAPPEN;
  }

  @Override
  public Call call(Operation op) {
    if (op.isFailed()) {
      return null;
    }
    if (ENQUEUE.equals(op.f())) {
      return new Call(true, Nil.wrap(op.input()));
    }
    if (DEQUEUE.equals(op.f())) {
      return op.isOk() ? new Call(false, Nil.wrap(op.output())) : null;
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public SeqState step(SeqState state, Call c) {
    if (c.enqueue) {
      return state.append(c.value);
    }
    if (fifo) {
      return state.size() > 0 && state.get(0).equals(c.value) ? state.remove(0) : null;
    }
    int i = state.indexOf(c.value);
    return i < 0 ? null : state.remove(i);
  }
}
