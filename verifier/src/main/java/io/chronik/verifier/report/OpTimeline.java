package io.chronik.verifier.report;

import io.chronik.verifier.history.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * Any history as the run report draws it, with no model-specific decoding: each row keeps its
 * invocation's and completion's values for {@link #opEdn}. Rows are client operations in
 * invocation order, the same order (and so the same ids) as
 * {@link io.chronik.verifier.history.History#operations()}; the linearizability check reports its
 * offending operations by those ids.
 */
public final class OpTimeline extends PairedHistory {
  private final List<Object> values = new ArrayList<>();

  /** A timeline of the given ops, in history order. */
  public static OpTimeline of(Iterable<Op> history) {
    OpTimeline t = new OpTimeline();
    for (Op op : history) {
      t.accept(op);
    }
    t.finish();
    return t;
  }

  @Override
  protected void onInvoke(int id, Op invoke) {
    values.add(invoke.value());
  }

  @Override
  protected void onComplete(int id, Op invoke, Op completion) {
    if (completion != null && completion.value() != null) {
      values.set(id, completion.value());
    }
  }

  @Override
  public Map<String, Object> opEdn(int op) {
    Map<String, Object> m = new LinkedHashMap<>();
    long ci = completeIndex(op);
    m.put("index", ci == Long.MAX_VALUE ? null : ci);
    m.put("time", completeNanos(op));
    m.put("type", Keyword.newKeyword(Timeline.typeName(type(op))));
    m.put("process", (long) process(op));
    m.put("f", Keyword.newKeyword(f(op)));
    m.put("value", values.get(op));
    m.put("invoke-index", invokeIndex(op));
    return m;
  }
}
