package io.chronik.verifier.model;

import io.chronik.verifier.history.Operation;
import java.util.List;
import us.bpsm.edn.Keyword;

/**
 * An append-only log, one Kafka-like partition: {@code :append v} completing with the offset it got
 * ({@code :value 7}, a Long), and {@code :read [start end]} (end exclusive, or nil for "to the end")
 * completing with the vector of values at offsets {@code start ..}. A read must return exactly the
 * entries at those offsets, and all of them up to {@code min(end, log length)}. Open appends take effect if
 * linearized (their offset is unknown); open reads and failed ops are left out: a failed append
 * carries no evidence either way.
 */
public final class LogModel implements Model<SeqState, LogModel.Call> {
  static final Keyword APPEND = Keyword.newKeyword("append");
  static final Keyword READ = Keyword.newKeyword("read");

  /** An append of {@code value} at {@code offset} (-1 if unknown), or a read of {@code values} from {@code start}. */
  public record Call(boolean append, Object value, long offset, long start, long end, List<?> values) {
    @Override
    public String toString() {
      return append ? "append(" + value + ") -> " + (offset < 0 ? "?" : offset)
          : "read(" + start + ", " + (end < 0 ? "end" : end) + ") -> " + values;
    }
  }

  private final FailurePolicy policy;

  public LogModel(FailurePolicy policy) {
    this.policy = policy;
  }

  @Override
  public String name() {
    return "log";
  }

  @Override
  public SeqState init() {
    return SeqState.EMPTY;
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
    if (APPEND.equals(op.f())) {
      long offset = -1;
      if (op.isOk()) {
        if (!(op.output() instanceof Long o) || o < 0) {
          throw ModelException.of(name(), op, "append-output-not-an-offset");
        }
        offset = o;
      }
      return new Call(true, Nil.wrap(op.input()), offset, 0, 0, null);
    }
    if (READ.equals(op.f())) {
      if (!op.isOk()) {
        return null;
      }
      if (!(op.input() instanceof List<?> range) || range.size() != 2 || !(range.get(0) instanceof Long start)
          || !(range.get(1) == null || range.get(1) instanceof Long)) {
        throw ModelException.of(name(), op, "read-value-not-[start end]");
      }
      if (!(op.output() instanceof List<?> values)) {
        throw ModelException.of(name(), op, "read-output-not-a-vector");
      }
      long end = range.get(1) == null ? -1 : (Long) range.get(1);
      return new Call(false, null, 0, start, end, values);
    }
    throw ModelException.of(name(), op, "unknown-f");
  }

  @Override
  public boolean readOnly(Call c) {
    return !c.append;
  }

  @Override
  public SeqState step(SeqState log, Call c) {
    if (c.append) {
      return c.offset < 0 || c.offset == log.size() ? log.append(c.value) : null;
    }
    long upTo = c.end < 0 ? log.size() : Math.min(c.end, log.size());
    long expected = Math.max(0, upTo - c.start);
    return c.values.size() == expected && log.matches((int) Math.min(c.start, log.size()), c.values) ? log : null;
  }
}
