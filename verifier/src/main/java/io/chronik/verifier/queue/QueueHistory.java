package io.chronik.verifier.queue;

import io.chronik.verifier.history.Op;
import io.chronik.verifier.report.PairedHistory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * A queue or set workload history: {@code :enqueue v} / {@code :add v} write one element;
 * {@code :dequeue} returns one element (its ok value), {@code :drain} returns a collection of
 * them, {@code :read} returns the whole set. Elements are any EDN values.
 */
public final class QueueHistory extends PairedHistory {
  /** Per op: the element written, or the elements read (null when none). */
  private final List<Object> written = new ArrayList<>();
  private final List<List<Object>> read = new ArrayList<>();

  public static QueueHistory read(Path file) throws IOException {
    QueueHistory h = new QueueHistory();
    h.readAll(file);
    return h;
  }

  public static QueueHistory of(Iterable<Op> ops) {
    QueueHistory h = new QueueHistory();
    for (Op op : ops) {
      h.accept(op);
    }
    h.finish();
    return h;
  }

  @Override
  protected void onInvoke(int id, Op invoke) {
    written.add(null);
    read.add(null);
  }

  @Override
  protected void onComplete(int id, Op invoke, Op completion) {
    String f = f(id);
    if (f.equals("enqueue") || f.equals("add")) {
      written.set(id, invoke.value());
    } else if (completion != null && (f.equals("dequeue") || f.equals("drain") || f.equals("read"))) {
      Object v = completion.value();
      if (f.equals("dequeue")) {
        read.set(id, v == null ? List.of() : java.util.Collections.singletonList(v));
      } else if (v instanceof Collection<?> c) {
        read.set(id, new ArrayList<>(c));
      }
    }
  }

  /** The element an enqueue/add wrote, or null. */
  public Object written(int op) {
    return written.get(op);
  }

  /** The elements a dequeue/drain/read returned (in order), or null. */
  public List<Object> read(int op) {
    return read.get(op);
  }

  @Override
  public Map<String, Object> opEdn(int op) {
    Map<String, Object> m = new LinkedHashMap<>();
    long ci = completeIndex(op);
    m.put("index", ci == Long.MAX_VALUE ? null : ci);
    m.put("time", completeNanos(op));
    m.put("type", Keyword.newKeyword(io.chronik.verifier.report.Timeline.typeName(type(op))));
    m.put("process", (long) process(op));
    m.put("f", Keyword.newKeyword(f(op)));
    m.put("value", written(op) != null ? written(op) : read(op));
    m.put("invoke-index", invokeIndex(op));
    return m;
  }
}
