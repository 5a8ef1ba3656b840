package io.chronik.verifier.history;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Streams a Jepsen EDN history: one op map per line, e.g.
 * {@code {:index 0 :time 123 :type :invoke :process 0 :f :read :value nil}}.
 *
 * <p>Blank lines and {@code ;} comment lines are skipped. {@code :type} and {@code :f} are required;
 * {@code :process} is an integer or a keyword ({@code :nemesis}); a missing {@code :index} becomes the
 * op's ordinal in the file, a missing {@code :time} {@link Op#NO_TIME}. Any other key lands in
 * {@link Op#extra()}. Values are edn-java data (see {@link Op}). Memory is one line at a time, so a
 * history of millions of ops can be streamed with {@link #next()}; {@link #readAll} collects them.
 * Errors are {@link HistoryException}s naming the file, line and reason.
 */
public final class EdnHistoryReader implements Closeable {

  static final Keyword INDEX = Keyword.newKeyword("index");
  static final Keyword TIME = Keyword.newKeyword("time");
  static final Keyword TYPE = Keyword.newKeyword("type");
  static final Keyword PROCESS = Keyword.newKeyword("process");
  static final Keyword F = Keyword.newKeyword("f");
  static final Keyword VALUE = Keyword.newKeyword("value");

  private final BufferedReader in;
  private final String source;
  private final Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
  private long lineNumber;
  private long ordinal;

  public EdnHistoryReader(Reader in, String source) {
    this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
    this.source = source;
  }

  public static EdnHistoryReader open(Path file) throws IOException {
    return new EdnHistoryReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString());
  }

  /** Reads a whole file into a {@link History}. */
  public static History read(Path file) throws IOException {
    try (EdnHistoryReader reader = open(file)) {
      return History.of(reader.readAll());
    }
  }

  /** Reads a whole history from EDN text. */
  public static History parse(String text) {
    try (EdnHistoryReader reader = new EdnHistoryReader(new java.io.StringReader(text), "<string>")) {
      return History.of(reader.readAll());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The remaining ops. */
  public List<Op> readAll() throws IOException {
    List<Op> ops = new ArrayList<>();
    for (Op op = next(); op != null; op = next()) {
      ops.add(op);
    }
    return ops;
  }

  /** The next op, or null at the end of input. */
  public Op next() throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith(";")) {
        continue;
      }
      Object form = parseLine(trimmed);
      if (!(form instanceof Map<?, ?> map)) {
        throw error("reason=not-a-map form=" + abbreviate(trimmed));
      }
      return toOp(map, ordinal++);
    }
    return null;
  }

  private Object parseLine(String line) {
    try {
      Parseable parseable = Parsers.newParseable(line);
      Object form = parser.nextValue(parseable);
      if (form == Parser.END_OF_INPUT || parser.nextValue(parseable) != Parser.END_OF_INPUT) {
        throw error("reason=expected-one-form-per-line text=" + abbreviate(line));
      }
      return form;
    } catch (EdnException e) {
      throw new HistoryException(where() + " reason=malformed-edn detail=\"" + e.getMessage() + "\" text="
          + abbreviate(line), e);
    }
  }

  /** Converts one op map; {@code ordinal} is used when the map has no {@code :index}. */
  Op toOp(Map<?, ?> map, long ordinalIndex) {
    OpType type = OpType.of(map.get(TYPE));
    if (type == null) {
      throw error("reason=bad-type type=" + map.get(TYPE));
    }
    if (!(map.get(F) instanceof Keyword f)) {
      throw error("reason=bad-f f=" + map.get(F));
    }
    Object process = map.get(PROCESS);
    long processId;
    Keyword processName = null;
    if (process instanceof Long p) {
      processId = p;
    } else if (process instanceof Keyword k) {
      processId = Op.NAMED_PROCESS;
      processName = k;
    } else {
      throw error("reason=bad-process process=" + process);
    }
    long index = longOr(map, INDEX, ordinalIndex);
    long time = longOr(map, TIME, Op.NO_TIME);
    Map<Keyword, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (!(key instanceof Keyword k)) {
        throw error("reason=non-keyword-key key=" + key);
      }
      if (!k.equals(INDEX) && !k.equals(TIME) && !k.equals(TYPE) && !k.equals(PROCESS) && !k.equals(F)
          && !k.equals(VALUE)) {
        extra.put(k, e.getValue());
      }
    }
    return new Op(index, time, type, processId, processName, f, map.get(VALUE), extra);
  }

  private long longOr(Map<?, ?> map, Keyword key, long fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Long l) {
      return l;
    }
    throw error("reason=bad-" + key.getName() + " " + key.getName() + "=" + v);
  }

  private HistoryException error(String detail) {
    return new HistoryException(where() + " " + detail);
  }

  private String where() {
    return "file=" + source + " line=" + lineNumber;
  }

  static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
