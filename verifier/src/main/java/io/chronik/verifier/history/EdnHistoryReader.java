package io.chronik.verifier.history;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.Symbol;

/**
 * Streams a Jepsen or Knossos EDN history, op by op, in any of the shapes such files come in:
 *
 * <ul>
 *   <li>one op map per line (what Jepsen's {@code history.edn} and our recorder write);
 *   <li>one top-level vector or list holding every op ({@code [{…} {…}]}, Knossos' test data,
 *       {@code (pr history)}), maps spanning lines, pretty-printed;
 *   <li>any mix of the above whitespace: {@code ;} comments and {@code #_} discarded forms anywhere;
 *       records such as {@code #jepsen.history.Op{…}} read as plain maps.
 * </ul>
 *
 * <p>{@code :type} and {@code :f} (a keyword) are required. {@code :process} is an integer (a
 * client) or anything else ({@code :nemesis}, a string, a symbol: a named process, see
 * {@link Op#isClient()}). {@code :index}, when present, must increase strictly from op to op (a
 * duplicate or a step back is an error naming both ops); a missing one is the previous op's plus
 * one. A missing {@code :time} is {@link Op#NO_TIME}. Every other key lands in {@link Op#extra()}.
 * Memory is one op at a time: {@link #next()} streams, {@link #readAll} collects. Every error is a
 * {@link HistoryException} naming the file, line and column.
 */
public final class EdnHistoryReader implements Closeable {

  static final Keyword INDEX = Keyword.newKeyword("index");
  static final Keyword TIME = Keyword.newKeyword("time");
  static final Keyword TYPE = Keyword.newKeyword("type");
  static final Keyword PROCESS = Keyword.newKeyword("process");
  static final Keyword F = Keyword.newKeyword("f");
  static final Keyword VALUE = Keyword.newKeyword("value");

  private final EdnReader edn;
  private boolean started;
  private boolean ended;
  /** The closing bracket of a top-level vector or list of ops, or 0 for a stream of op maps. */
  private char close;
  private long openLine;
  private long openColumn;
  private long previousIndex = -1;
  private long previousLine;
  private long count;

  public EdnHistoryReader(Reader in, String source) {
    this.edn = new EdnReader(in, source);
  }

  /** A reader of a UTF-8 file; malformed bytes become U+FFFD and are refused where they stand. */
  public static EdnHistoryReader open(Path file) throws IOException {
    Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
    return new EdnHistoryReader(in, file.toString());
  }

  /** Reads a whole file into a {@link History}. */
  public static History read(Path file) throws IOException {
    try (EdnHistoryReader reader = open(file)) {
      return History.of(reader.readAll());
    }
  }

  /** Reads a whole history from EDN text. */
  public static History parse(String text) {
    try (EdnHistoryReader reader = new EdnHistoryReader(new StringReader(text), "<string>")) {
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

  /** Ops read so far. */
  public long count() {
    return count;
  }

  /** The line the reader has reached (for progress lines). */
  public long line() {
    return edn.line();
  }

  /** The next op, or null at the end of the history. */
  public Op next() throws IOException {
    if (ended) {
      return null;
    }
    int c = edn.peek();
    if (!started) {
      started = true;
      if (c == '[' || c == '(') {
        close = c == '[' ? ']' : ')';
        openLine = edn.line();
        openColumn = edn.column();
        edn.skip();
        c = edn.peek();
      }
    }
    if (close != 0 && c == close) {
      edn.skip();
      if (edn.peek() >= 0) {
        throw edn.error("reason=text-after-history-" + (close == ']' ? "vector" : "list"));
      }
      ended = true;
      return null;
    }
    if (c < 0) {
      if (close != 0) {
        throw edn.error("reason=unclosed-history-" + (close == ']' ? "vector" : "list") + " opened-line="
            + openLine + " opened-column=" + openColumn);
      }
      ended = true;
      return null;
    }
    long line = edn.line();
    long column = edn.column();
    Object form = edn.readForm();
    if (!(form instanceof Map<?, ?> map)) {
      throw edn.errorAt(line, column, "reason=not-a-map form=" + EdnReader.abbreviate(String.valueOf(form)));
    }
    Op op = toOp(map, line, column);
    count++;
    previousIndex = op.index();
    previousLine = line;
    return op;
  }

  private Op toOp(Map<?, ?> map, long line, long column) {
    long index = index(map, line, column);
    OpType type = OpType.of(map.get(TYPE));
    if (type == null) {
      throw edn.errorAt(line, column, "index=" + index + " reason=bad-type type=" + map.get(TYPE));
    }
    if (!(map.get(F) instanceof Keyword f)) {
      throw edn.errorAt(line, column, "index=" + index + " reason=bad-f f=" + map.get(F));
    }
    Object process = map.get(PROCESS);
    long processId = Op.NAMED_PROCESS;
    Keyword processName = null;
    if (process instanceof Long p) {
      processId = p;
    } else if (process instanceof Keyword k) {
      processName = k;
    } else if (process instanceof String || process instanceof Symbol) {
      try {
        processName = Keyword.newKeyword(process.toString());
      } catch (EdnException e) {
        throw edn.errorAt(line, column, "index=" + index + " reason=bad-process process=\"" + process + "\"");
      }
    } else {
      throw edn.errorAt(line, column, "index=" + index + " reason=bad-process process=" + process);
    }
    Object time = map.get(TIME);
    if (time != null && !(time instanceof Long)) {
      throw edn.errorAt(line, column, "index=" + index + " reason=bad-time time=" + time);
    }
    Map<Keyword, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof Keyword k)) {
        throw edn.errorAt(line, column, "index=" + index + " reason=non-keyword-key key=" + e.getKey());
      }
      if (!k.equals(INDEX) && !k.equals(TIME) && !k.equals(TYPE) && !k.equals(PROCESS) && !k.equals(F)
          && !k.equals(VALUE)) {
        extra.put(k, e.getValue());
      }
    }
    return new Op(index, time == null ? Op.NO_TIME : (Long) time, type, processId, processName, f,
        map.get(VALUE), extra);
  }

  /** The op's {@code :index}, which must exceed the previous op's; the previous plus one if absent. */
  private long index(Map<?, ?> map, long line, long column) {
    Object v = map.get(INDEX);
    if (v == null) {
      return previousIndex + 1;
    }
    if (!(v instanceof Long index) || index < 0) {
      throw edn.errorAt(line, column, "reason=bad-index index=" + v);
    }
    if (count > 0 && index <= previousIndex) {
      throw edn.errorAt(line, column, "reason=" + (index == previousIndex ? "duplicate-index" : "decreasing-index")
          + " index=" + index + " previous-index=" + previousIndex + " previous-line=" + previousLine);
    }
    return index;
  }

  @Override
  public void close() throws IOException {
    edn.close();
  }
}
