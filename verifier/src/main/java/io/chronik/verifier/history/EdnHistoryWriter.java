package io.chronik.verifier.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.printer.Printers;

/**
 * Writes ops as Jepsen EDN, one map per line, keys in the order {@code :index :time :type :process
 * :f :value} followed by the extra keys: the format {@link EdnHistoryReader} (and Jepsen) reads back.
 * {@code :time} is omitted when {@link Op#NO_TIME}. Printing is edn-java's, so every value
 * representable as edn-java data round-trips. {@link #write} is synchronized, so several threads may
 * share one writer; callers choose when to {@link #flush()}.
 */
public final class EdnHistoryWriter implements Closeable, Flushable {

  private final Writer out;

  public EdnHistoryWriter(Writer out) {
    this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
  }

  public static EdnHistoryWriter create(Path file) throws IOException {
    return new EdnHistoryWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }

  /** Writes a whole history to a file. */
  public static void write(Path file, Iterable<Op> ops) throws IOException {
    try (EdnHistoryWriter writer = create(file)) {
      for (Op op : ops) {
        writer.write(op);
      }
    }
  }

  public synchronized void write(Op op) throws IOException {
    out.write(format(op));
    out.write('\n');
  }

  /** One op as an EDN map, without newline. */
  public static String format(Op op) {
    return Printers.printString(Ratio.PRINTERS, toMap(op));
  }

  /** The op as an ordered EDN map. */
  public static Map<Keyword, Object> toMap(Op op) {
    Map<Keyword, Object> map = new LinkedHashMap<>();
    map.put(EdnHistoryReader.INDEX, op.index());
    if (op.timeNanos() != Op.NO_TIME) {
      map.put(EdnHistoryReader.TIME, op.timeNanos());
    }
    map.put(EdnHistoryReader.TYPE, op.type().keyword());
    map.put(EdnHistoryReader.PROCESS, op.processEdn());
    map.put(EdnHistoryReader.F, op.f());
    map.put(EdnHistoryReader.VALUE, op.value());
    map.putAll(op.extra());
    return map;
  }

  @Override
  public synchronized void flush() throws IOException {
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
