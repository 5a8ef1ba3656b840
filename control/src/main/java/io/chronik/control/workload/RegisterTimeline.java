package io.chronik.control.workload;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.report.PairedHistory;
import io.chronik.verifier.report.Timeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * The register history as the run report draws it (latency, throughput, fault intervals), with a
 * lookup from an invocation's history index to its row, so the linearizability checker's offending
 * operation can be marked in the report.
 */
final class RegisterTimeline extends PairedHistory {
  private final List<Object> values = new ArrayList<>();
  private final Map<Long, Integer> rowByInvokeIndex = new HashMap<>();

  static RegisterTimeline read(Path file) throws IOException {
    RegisterTimeline t = new RegisterTimeline();
    t.readAll(file);
    return t;
  }

  @Override
  protected void onInvoke(int id, Op invoke) {
    values.add(invoke.value());
    rowByInvokeIndex.put(invoke.index(), id);
  }

  @Override
  protected void onComplete(int id, Op invoke, Op completion) {
    if (completion != null && completion.value() != null) {
      values.set(id, completion.value());
    }
  }

  /** The row of the operation invoked at history index {@code index}, or null. */
  Integer row(long index) {
    return rowByInvokeIndex.get(index);
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
