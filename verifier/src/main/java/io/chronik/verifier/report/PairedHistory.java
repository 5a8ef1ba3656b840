package io.chronik.verifier.report;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.history.OpType;
import io.chronik.verifier.history.EdnHistoryReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of a model-specific history: receives ops in history order, pairs each client invocation
 * with its completion (processes are sequential, so the next completion of a process is the one),
 * routes named processes (the nemesis) to the {@link FaultTracker}, and keeps the timeline
 * columns. Subclasses decode values in {@link #onComplete}. Ops are streamed, never all held, so a
 * million-op history costs only the columns.
 *
 * <p>An invocation that never completes is closed as {@code info} at the end: it stays open to the
 * end of time, as Jepsen treats crashed operations.
 */
public abstract class PairedHistory implements Timeline {
  protected final OpColumns ops = new OpColumns();
  private final FaultTracker faults = new FaultTracker();
  private final Map<Long, Pending> pending = new HashMap<>();
  private volatile long accepted;
  private long lastNanos;
  private boolean finished;

  private record Pending(int id, Op invoke) {}

  /**
   * Streams a Jepsen EDN history file (any shape {@link EdnHistoryReader} takes) into this history
   * and finishes it.
   */
  protected final void readAll(Path file) throws IOException {
    try (EdnHistoryReader reader = EdnHistoryReader.open(file)) {
      for (Op op = reader.next(); op != null; op = reader.next()) {
        accept(op);
      }
    }
    finish();
  }

  /** Feeds one op; call {@link #finish} after the last. */
  public final void accept(Op op) {
    accepted++; // one writer; read by the progress line
    long nanos = op.timeNanos() == Op.NO_TIME ? op.index() : op.timeNanos();
    lastNanos = Math.max(lastNanos, nanos);
    String f = op.f().getName();
    if (!op.isClient()) {
      faults.observe(f, op.isInvoke(), nanos, op.value());
      return;
    }
    long process = op.process();
    if (op.isInvoke()) {
      Pending prior = pending.remove(process);
      if (prior != null) {
        // A process invoked again without completing: the earlier op is indeterminate.
        onComplete(prior.id, prior.invoke, null);
      }
      int id = ops.add(Math.toIntExact(process), f, op.index(), nanos);
      pending.put(process, new Pending(id, op));
      onInvoke(id, op);
      return;
    }
    Pending inv = pending.remove(process);
    if (inv == null) {
      return; // a completion without invocation carries no interval
    }
    byte t = op.type() == OpType.OK ? OK : op.type() == OpType.FAIL ? FAIL : INFO;
    ops.complete(inv.id, t, op.index(), nanos);
    onComplete(inv.id, inv.invoke, op);
  }

  /** Ops fed so far (client and named), for progress lines. */
  public final long accepted() {
    return accepted;
  }

  /** Closes every still-pending invocation as indeterminate; idempotent. */
  public final void finish() {
    if (finished) {
      return;
    }
    finished = true;
    pending.values().stream().sorted(java.util.Comparator.comparingInt(Pending::id))
        .forEach(p -> onComplete(p.id, p.invoke, null));
    pending.clear();
  }

  protected abstract void onInvoke(int id, Op invoke);

  /** @param completion null if the invocation never completed (treated as info) */
  protected abstract void onComplete(int id, Op invoke, Op completion);

  /** History index of the operation's completion, or {@link Long#MAX_VALUE} if it never completed. */
  public long completeIndex(int op) {
    return ops.completeIndex(op);
  }

  public long invokeIndex(int op) {
    return ops.invokeIndex(op);
  }

  /** True if the history ended with a fault still active. */
  public boolean endedFaulted() {
    return faults.faultOpen();
  }

  @Override
  public int size() {
    return ops.size();
  }

  @Override
  public int process(int op) {
    return ops.process(op);
  }

  @Override
  public String f(int op) {
    return ops.f(op);
  }

  @Override
  public byte type(int op) {
    return ops.type(op);
  }

  @Override
  public long invokeNanos(int op) {
    return ops.invokeNanos(op);
  }

  @Override
  public long completeNanos(int op) {
    long c = ops.completeNanos(op);
    return c == Long.MAX_VALUE ? lastNanos : c;
  }

  @Override
  public List<FaultInterval> faults() {
    return faults.intervals();
  }
}
