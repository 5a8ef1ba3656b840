package io.chronik.verifier.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Reads the two history formats of Porcupine's test data into {@link History}s of Jepsen ops.
 *
 * <ul>
 *   <li>{@link #readEtcd}: Jepsen 0.x logs, {@code INFO  jepsen.util - <process> <type> <f> <value>}
 *       with TABs or spaces between the last four fields, e.g. {@code 2 :invoke :cas [3 0]}. Each
 *       line becomes one op with that process, type, f and EDN value; other lines are rejected. An
 *       empty file is an empty history.
 *   <li>{@link #readKv}: one EDN map per line {@code {:process 0, :type :invoke, :f :append, :key
 *       "0", :value "x 0 0 y"}}. The key moves into the value, Jepsen's "independent" tuple: the op's
 *       value is {@code ["0" "x 0 0 y"]} (a get invocation: {@code ["0" nil]}).
 * </ul>
 * Ops are indexed by line order, without times.
 */
public final class PorcupineLogReader {

  private static final Pattern ETCD_LINE =
      Pattern.compile("^INFO\\s+jepsen\\.util\\s+-\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(.*?)\\s*$");
  private static final Keyword KEY = Keyword.newKeyword("key");

  private PorcupineLogReader() {}

  /** Reads an etcd Jepsen log ({@code test_data/jepsen/etcd_NNN.log}). */
  public static History readEtcd(Path file) throws IOException {
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    List<Op> ops = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNumber = 0;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        Matcher m = ETCD_LINE.matcher(line);
        if (!m.matches()) {
          throw new HistoryException("file=" + file + " line=" + lineNumber + " reason=not-a-jepsen-log-line text="
              + EdnReader.abbreviate(line));
        }
        String where = "file=" + file + " line=" + lineNumber;
        long process;
        try {
          process = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          throw new HistoryException(where + " reason=bad-process process=" + m.group(1), e);
        }
        OpType type = OpType.of(parse(parser, m.group(2), where));
        if (type == null) {
          throw new HistoryException(where + " reason=bad-type type=" + m.group(2));
        }
        if (!(parse(parser, m.group(3), where) instanceof Keyword f)) {
          throw new HistoryException(where + " reason=bad-f f=" + m.group(3));
        }
        ops.add(new Op(ops.size(), Op.NO_TIME, type, process, null, f, parse(parser, m.group(4), where), Map.of()));
      }
    }
    return History.of(ops);
  }

  /** Reads a kv log ({@code test_data/kv/cNN-ok.txt}). */
  public static History readKv(Path file) throws IOException {
    List<Op> ops = new ArrayList<>();
    try (EdnHistoryReader reader = EdnHistoryReader.open(file)) {
      for (Op op = reader.next(); op != null; op = reader.next()) {
        Object key = op.get(KEY);
        if (key == null) {
          throw new HistoryException("file=" + file + " index=" + op.index() + " reason=kv-op-without-key");
        }
        List<Object> tuple = new ArrayList<>(2);
        tuple.add(key);
        tuple.add(op.value());
        ops.add(new Op(op.index(), op.timeNanos(), op.type(), op.process(), op.processName(), op.f(),
            java.util.Collections.unmodifiableList(tuple), Map.of()));
      }
    }
    return History.of(ops);
  }

  private static Object parse(Parser parser, String text, String where) {
    try {
      Parseable p = Parsers.newParseable(text);
      Object value = parser.nextValue(p);
      if (value == Parser.END_OF_INPUT || parser.nextValue(p) != Parser.END_OF_INPUT) {
        throw new HistoryException(where + " reason=expected-one-edn-form text=" + text);
      }
      return value;
    } catch (EdnException e) {
      throw new HistoryException(where + " reason=malformed-edn text=" + text, e);
    }
  }
}
