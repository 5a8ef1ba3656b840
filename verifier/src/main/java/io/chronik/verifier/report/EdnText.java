package io.chronik.verifier.report;

import io.chronik.verifier.history.Ratio;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import us.bpsm.edn.printer.Printers;

/**
 * Readable one-line EDN ({@code {:f :send, :value [[:send 0 [0 1]]]}}): edn-java prints scalars,
 * this only adds the separators its compact printer leaves out, so output still reads back as EDN.
 */
public final class EdnText {
  private EdnText() {}

  public static String format(Object o) {
    StringBuilder b = new StringBuilder();
    append(b, o);
    return b.toString();
  }

  static void append(StringBuilder b, Object o) {
    if (o instanceof Map<?, ?> m) {
      b.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        append(b, e.getKey());
        b.append(' ');
        append(b, e.getValue());
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      b.append('}');
    } else if (o instanceof List<?> l) {
      items(b, "[", l, "]");
    } else if (o instanceof Set<?> s) {
      items(b, "#{", s, "}");
    } else {
      b.append(Printers.printString(Ratio.PRINTERS, o).strip());
    }
  }

  private static void items(StringBuilder b, String open, Collection<?> c, String close) {
    b.append(open);
    boolean first = true;
    for (Object x : c) {
      if (!first) {
        b.append(' ');
      }
      first = false;
      append(b, x);
    }
    b.append(close);
  }

  /** A map with one top-level entry per line, and the entries of the given keys' maps one per line. */
  public static String formatTopLevel(Map<?, ?> m) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      b.append(first ? "" : "\n ");
      first = false;
      append(b, e.getKey());
      b.append(' ');
      if (e.getValue() instanceof Map<?, ?> inner && !inner.isEmpty()) {
        b.append('{');
        boolean innerFirst = true;
        for (Map.Entry<?, ?> ie : inner.entrySet()) {
          b.append(innerFirst ? "" : "\n  ");
          innerFirst = false;
          append(b, ie.getKey());
          b.append(' ');
          if (ie.getValue() instanceof List<?> cases && !cases.isEmpty() && cases.get(0) instanceof Map) {
            b.append('[');
            for (int i = 0; i < cases.size(); i++) {
              b.append(i == 0 ? "" : "\n   ");
              append(b, cases.get(i));
            }
            b.append(']');
          } else {
            append(b, ie.getValue());
          }
        }
        b.append('}');
      } else {
        append(b, e.getValue());
      }
    }
    return b.append("}\n").toString();
  }
}
