package io.chronik.verifier.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * Parses one history line ({@code {:index 0, :time 12, :type :ok, ...}}) into edn-java data.
 *
 * <p>Why not edn-java alone: on a 2,000,000-line Kafka history edn-java spends ~60 s parsing
 * while the whole check takes ~10 s (see KafkaCheckerSoakTest), so the common subset that Jepsen
 * op lines use (maps, vectors, lists, keywords, longs, nil, booleans, plain strings) is scanned
 * here, producing exactly the types edn-java produces (Long, Keyword, List, Map, String). Any
 * other construct (tags, sets, floats, characters, escapes, symbols, big integers) makes this
 * parser give up on the line and hand it to edn-java, so semantics stay edn-java's.
 */
public final class OpLineParser {
  private static final Object GIVE_UP = new Object();
  private final Parser edn = Parsers.newParser(Parsers.defaultConfiguration());
  private final Map<String, Keyword> keywords = new java.util.HashMap<>();
  private String s;
  private int i;

  /** The line's first form as edn-java data (null for nil or blank input). */
  public Object parse(String line) {
    s = line;
    i = 0;
    Object v = value();
    skipSpace();
    if (v != GIVE_UP && i == s.length()) {
      return v;
    }
    Parseable p = Parsers.newParseable(line);
    Object form = edn.nextValue(p);
    return form == Parser.END_OF_INPUT ? null : form;
  }

  private void skipSpace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  private Object value() {
    skipSpace();
    if (i >= s.length()) {
      return GIVE_UP;
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return map();
      case '[':
        i++;
        return seq(']');
      case '(':
        i++;
        return seq(')');
      case ':':
        return keyword();
      case '"':
        return string();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        return word();
    }
  }

  private Object map() {
    i++;
    Map<Object, Object> m = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (i >= s.length()) {
        return GIVE_UP;
      }
      if (s.charAt(i) == '}') {
        i++;
        return Collections.unmodifiableMap(m);
      }
      Object k = value();
      if (k == GIVE_UP) {
        return GIVE_UP;
      }
      Object v = value();
      if (v == GIVE_UP || m.put(k, v) != null) {
        return GIVE_UP;
      }
    }
  }

  private Object seq(char close) {
    List<Object> l = new ArrayList<>();
    while (true) {
      skipSpace();
      if (i >= s.length()) {
        return GIVE_UP;
      }
      if (s.charAt(i) == close) {
        i++;
        return Collections.unmodifiableList(l);
      }
      Object v = value();
      if (v == GIVE_UP) {
        return GIVE_UP;
      }
      l.add(v);
    }
  }

  private static boolean delimiter(char c) {
    return c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '}' || c == ']' || c == ')'
        || c == '{' || c == '[' || c == '(' || c == '"';
  }

  private int tokenEnd() {
    int j = i;
    while (j < s.length() && !delimiter(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private Object keyword() {
    int j = tokenEnd();
    String name = s.substring(i + 1, j);
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('#') >= 0 || name.charAt(0) == ':') {
      return GIVE_UP;
    }
    i = j;
    // edn-java interns keywords through a concurrent map and validates each name; op lines repeat
    // a handful of keywords, so a local cache skips both.
    Keyword k = keywords.get(name);
    if (k == null) {
      k = Keyword.newKeyword(name);
      if (keywords.size() < 4096) {
        keywords.put(name, k);
      }
    }
    return k;
  }

  private Object number() {
    int j = tokenEnd();
    boolean negative = s.charAt(i) == '-';
    int start = negative ? i + 1 : i;
    if (start == j || j - start > 18) {
      return GIVE_UP; // a lone '-' is a symbol; long-sized literals may need BigInteger
    }
    long v = 0;
    for (int k = start; k < j; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return GIVE_UP;
      }
      v = v * 10 + (c - '0');
    }
    i = j;
    return negative ? -v : v;
  }

  private Object word() {
    int j = tokenEnd();
    String w = s.substring(i, j);
    i = j;
    return switch (w) {
      case "nil" -> null;
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> GIVE_UP;
    };
  }

  private Object string() {
    int j = i + 1;
    while (j < s.length() && s.charAt(j) != '"') {
      if (s.charAt(j) == '\\') {
        return GIVE_UP;
      }
      j++;
    }
    if (j >= s.length()) {
      return GIVE_UP;
    }
    String v = s.substring(i + 1, j);
    i = j + 1;
    return v;
  }
}
