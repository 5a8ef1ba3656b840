package io.chronik.verifier.history;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
import us.bpsm.edn.Symbol;
import us.bpsm.edn.Tag;
import us.bpsm.edn.TaggedValue;

/**
 * Reads EDN forms one at a time from a character stream, knowing the line and column of every
 * position, so that a history of any size streams through a fixed buffer and a malformed one is
 * reported where it breaks ({@code file=… line=… column=… reason=… near="…"}).
 *
 * <p>Why not edn-java's parser: it reports no positions, and on Jepsen op lines it is several times
 * slower than a scanner specialised for the few shapes ops use (see docs/REPORTS.md, "Scale"). The
 * values produced are the edn-java types documented on {@link Op}, plus {@link Ratio} for
 * {@code 1/3}; tagged literals: {@code #inst} → {@link Date}, {@code #uuid} → {@link UUID}, a
 * record ({@code #jepsen.history.Op{…}}, a dotted tag on a map) → the plain map, any other tag →
 * {@link TaggedValue}. Whitespace includes commas; {@code ;} comments and {@code #_} discarded
 * forms are skipped. Collections are unmodifiable; maps and sets keep reading order and refuse
 * duplicates, as EDN requires.
 */
public final class EdnReader implements Closeable {
  /** Nesting deeper than this is refused rather than risking the thread's stack. */
  static final int MAX_DEPTH = 256;
  /** Characters kept before the read position across refills, for error context. */
  private static final int CONTEXT = 40;

  private final Reader in;
  private final String source;
  private final char[] buf = new char[1 << 16];
  private final Map<String, Keyword> keywords = new HashMap<>();
  private final StringBuilder text = new StringBuilder();
  private char[] token = new char[64];
  private int tokenLength;
  private int pos;
  private int limit;
  private boolean eof;
  private long line = 1;
  private long column = 1;
  private int depth;

  public EdnReader(Reader in, String source) {
    this.in = in;
    this.source = source;
  }

  /** Line (1-based) of the next unread character. */
  public long line() {
    return line;
  }

  /** Column (1-based, in UTF-16 units) of the next unread character. */
  public long column() {
    return column;
  }

  public String source() {
    return source;
  }

  /**
   * Skips whitespace, commas, comments and {@code #_} forms; returns the next character without
   * consuming it, or -1 at the end of input.
   */
  public int peek() throws IOException {
    while (true) {
      if (pos == limit && !fill(1)) {
        return -1;
      }
      char c = buf[pos];
      if (c == ',' || Character.isWhitespace(c)) {
        skip();
      } else if (c == ';') {
        while ((pos < limit || fill(1)) && buf[pos] != '\n') {
          skip();
        }
      } else if (c == '#' && fill(2) && buf[pos + 1] == '_') {
        skip();
        skip();
        readForm();
      } else {
        return c;
      }
    }
  }

  /** Consumes one character (after {@link #peek} returned it). */
  public void skip() {
    if (buf[pos++] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }

  /** Reads the next form; the end of input here is an error. */
  public Object readForm() throws IOException {
    int c = peek();
    long startLine = line;
    long startColumn = column;
    if (c < 0) {
      throw malformed("unexpected-end-of-input");
    }
    switch (c) {
      case '{' -> {
        return nested(() -> map(startLine, startColumn));
      }
      case '[' -> {
        return nested(() -> seq(']', "vector", startLine, startColumn));
      }
      case '(' -> {
        return nested(() -> seq(')', "list", startLine, startColumn));
      }
      case '"' -> {
        skip();
        return string(startLine, startColumn);
      }
      case ':' -> {
        return keyword();
      }
      case '\\' -> {
        return character();
      }
      case '#' -> {
        return dispatch(startLine, startColumn);
      }
      case '}', ']', ')' -> throw malformed("unmatched-delimiter char=" + (char) c);
      default -> {
        return atom(startLine, startColumn);
      }
    }
  }

  private interface FormBody {
    Object read() throws IOException;
  }

  private Object nested(FormBody body) throws IOException {
    if (++depth > MAX_DEPTH) {
      throw malformed("nesting-too-deep max-depth=" + MAX_DEPTH);
    }
    try {
      skip();
      return body.read();
    } finally {
      depth--;
    }
  }

  private Object map(long startLine, long startColumn) throws IOException {
    Map<Object, Object> m = new LinkedHashMap<>();
    while (true) {
      int c = peek();
      if (c < 0) {
        throw malformed("unclosed-map opened-line=" + startLine + " opened-column=" + startColumn);
      }
      if (c == '}') {
        skip();
        return Collections.unmodifiableMap(m);
      }
      long keyLine = line;
      long keyColumn = column;
      Object key = readForm();
      c = peek();
      if (c == '}' || c < 0) {
        throw malformed("map-key-without-value key=" + abbreviate(String.valueOf(key)));
      }
      Object value = readForm();
      if (m.containsKey(key)) {
        throw malformedAt(keyLine, keyColumn, "duplicate-map-key key=" + abbreviate(String.valueOf(key)));
      }
      m.put(key, value);
    }
  }

  private Object seq(char close, String kind, long startLine, long startColumn) throws IOException {
    List<Object> l = new ArrayList<>();
    while (true) {
      int c = peek();
      if (c < 0) {
        throw malformed("unclosed-" + kind + " opened-line=" + startLine + " opened-column=" + startColumn);
      }
      if (c == close) {
        skip();
        return Collections.unmodifiableList(l);
      }
      l.add(readForm());
    }
  }

  private Object set(long startLine, long startColumn) throws IOException {
    Set<Object> s = new LinkedHashSet<>();
    while (true) {
      int c = peek();
      if (c < 0) {
        throw malformed("unclosed-set opened-line=" + startLine + " opened-column=" + startColumn);
      }
      if (c == '}') {
        skip();
        return Collections.unmodifiableSet(s);
      }
      long elementLine = line;
      long elementColumn = column;
      Object e = readForm();
      if (!s.add(e)) {
        throw malformedAt(elementLine, elementColumn, "duplicate-set-element element="
            + abbreviate(String.valueOf(e)));
      }
    }
  }

  private String string(long startLine, long startColumn) throws IOException {
    text.setLength(0);
    while (true) {
      if (pos == limit && !fill(1)) {
        throw malformed("unclosed-string opened-line=" + startLine + " opened-column=" + startColumn);
      }
      char c = buf[pos];
      skip();
      if (c == '"') {
        return text.toString();
      }
      if (c != '\\') {
        text.append(c);
        continue;
      }
      if (pos == limit && !fill(1)) {
        throw malformed("unclosed-string opened-line=" + startLine + " opened-column=" + startColumn);
      }
      char e = buf[pos];
      skip();
      switch (e) {
        case 't' -> text.append('\t');
        case 'r' -> text.append('\r');
        case 'n' -> text.append('\n');
        case 'b' -> text.append('\b');
        case 'f' -> text.append('\f');
        case '\\', '"' -> text.append(e);
        case 'u' -> text.append(unicodeEscape());
        default -> throw malformed("bad-string-escape escape=\\" + e);
      }
    }
  }

  private char unicodeEscape() throws IOException {
    if (!fill(4)) {
      throw malformed("bad-unicode-escape");
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(buf[pos], 16);
      if (d < 0) {
        throw malformed("bad-unicode-escape");
      }
      v = v * 16 + d;
      skip();
    }
    return (char) v;
  }

  private Keyword keyword() throws IOException {
    skip();
    readToken();
    if (tokenLength == 0 || token[0] == ':' || token[0] == '/' && tokenLength > 1
        || token[tokenLength - 1] == '/' && tokenLength > 1 || !symbolChars()) {
      throw malformed("bad-keyword keyword=:" + tokenText());
    }
    String name = tokenText();
    Keyword k = keywords.get(name);
    if (k == null) {
      int slash = name.indexOf('/');
      try {
        k = slash > 0 ? Keyword.newKeyword(name.substring(0, slash), name.substring(slash + 1)) : Keyword.newKeyword(name);
      } catch (EdnException e) {
        throw malformed("bad-keyword keyword=:" + abbreviate(name));
      }
      if (keywords.size() < 4096) {
        keywords.put(name, k);
      }
    }
    return k;
  }

  private Character character() throws IOException {
    skip();
    if (pos == limit && !fill(1)) {
      throw malformed("unexpected-end-of-input");
    }
    char first = buf[pos];
    skip();
    readToken();
    if (tokenLength == 0) {
      return first;
    }
    String name = first + tokenText();
    return switch (name) {
      case "newline" -> '\n';
      case "return" -> '\r';
      case "space" -> ' ';
      case "tab" -> '\t';
      case "formfeed" -> '\f';
      case "backspace" -> '\b';
      default -> {
        if (first == 'u' && name.length() == 5) {
          try {
            yield (char) Integer.parseInt(name.substring(1), 16);
          } catch (NumberFormatException e) {
            throw malformed("bad-character character=\\" + name);
          }
        }
        throw malformed("bad-character character=\\" + name);
      }
    };
  }

  private Object dispatch(long startLine, long startColumn) throws IOException {
    skip();
    if (pos == limit && !fill(1)) {
      throw malformed("unexpected-end-of-input");
    }
    char c = buf[pos];
    if (c == '{') {
      return nested(() -> set(startLine, startColumn));
    }
    if (c == '#') {
      skip();
      readToken();
      return switch (tokenText()) {
        case "Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> throw malformed("bad-symbolic-value value=##" + tokenText());
      };
    }
    readToken();
    if (tokenLength == 0 || !Character.isLetter(token[0]) || !symbolChars()) {
      throw malformedAt(startLine, startColumn, "bad-dispatch text=#" + c);
    }
    String tag = tokenText();
    Object value = readForm();
    try {
      return tagged(tag, value, startLine, startColumn);
    } catch (EdnException e) {
      throw malformedAt(startLine, startColumn, "bad-tag tag=#" + abbreviate(tag));
    }
  }

  private Object tagged(String tag, Object value, long startLine, long startColumn) {
    switch (tag) {
      case "inst" -> {
        if (value instanceof String s) {
          try {
            return Date.from(s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s).toInstant());
          } catch (DateTimeParseException e) {
            throw malformedAt(startLine, startColumn, "bad-inst inst=\"" + abbreviate(s) + "\"");
          }
        }
        throw malformedAt(startLine, startColumn, "bad-inst inst=" + abbreviate(String.valueOf(value)));
      }
      case "uuid" -> {
        if (value instanceof String s) {
          try {
            return UUID.fromString(s);
          } catch (IllegalArgumentException e) {
            throw malformedAt(startLine, startColumn, "bad-uuid uuid=\"" + abbreviate(s) + "\"");
          }
        }
        throw malformedAt(startLine, startColumn, "bad-uuid uuid=" + abbreviate(String.valueOf(value)));
      }
      default -> {
        // A record literal (#jepsen.history.Op{…}) is a map with a class name: read its fields.
        if (value instanceof Map<?, ?> && tag.indexOf('.') > 0) {
          return value;
        }
        int slash = tag.indexOf('/');
        Tag t = slash > 0 ? Tag.newTag(tag.substring(0, slash), tag.substring(slash + 1)) : Tag.newTag(tag);
        return TaggedValue.newTaggedValue(t, value);
      }
    }
  }

  private Object atom(long startLine, long startColumn) throws IOException {
    readToken();
    if (tokenLength == 0) {
      throw malformedAt(startLine, startColumn, "unexpected-character char=" + printable(buf[pos]));
    }
    char first = token[0];
    boolean signed = first == '+' || first == '-';
    if (Character.isDigit(first) || signed && tokenLength > 1 && Character.isDigit(token[1])) {
      return number(startLine, startColumn);
    }
    if (!symbolChars()) {
      throw malformedAt(startLine, startColumn, "bad-symbol symbol=" + tokenText());
    }
    String name = tokenText();
    try {
      return symbol(name);
    } catch (EdnException e) {
      throw malformedAt(startLine, startColumn, "bad-symbol symbol=" + abbreviate(name));
    }
  }

  private static Object symbol(String name) {
    return switch (name) {
      case "nil" -> null;
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> {
        int slash = name.indexOf('/');
        if (slash > 0 && slash < name.length() - 1) {
          yield Symbol.newSymbol(name.substring(0, slash), name.substring(slash + 1));
        }
        yield Symbol.newSymbol(name);
      }
    };
  }

  private Object number(long startLine, long startColumn) {
    Long fast = smallLong();
    if (fast != null) {
      return fast;
    }
    String t = tokenText();
    try {
      if (t.endsWith("N")) {
        return new BigInteger(unsigned(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("M")) {
        return new BigDecimal(unsigned(t.substring(0, t.length() - 1)));
      }
      int slash = t.indexOf('/');
      if (slash > 0) {
        BigInteger d = new BigInteger(t.substring(slash + 1));
        if (d.signum() <= 0 || t.charAt(slash + 1) == '+') {
          throw new NumberFormatException("denominator");
        }
        return new Ratio(new BigInteger(unsigned(t.substring(0, slash))), d);
      }
      if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
        if (!t.matches("[+-]?\\d+(\\.\\d*)?([eE][+-]?\\d+)?")) {
          throw new NumberFormatException("float");
        }
        return Double.parseDouble(t);
      }
      BigInteger big = new BigInteger(unsigned(t));
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    } catch (NumberFormatException e) {
      throw malformedAt(startLine, startColumn, "bad-number number=" + abbreviate(t));
    }
  }

  /** BigInteger/BigDecimal take a leading '-' but EDN also allows '+'. */
  private static String unsigned(String t) {
    return t.startsWith("+") ? t.substring(1) : t;
  }

  /** The token as a long when it is a plain decimal of at most 18 digits (the common case), else null. */
  private Long smallLong() {
    int k = token[0] == '-' || token[0] == '+' ? 1 : 0;
    if (tokenLength - k > 18) {
      return null;
    }
    long v = 0;
    for (; k < tokenLength; k++) {
      char c = token[k];
      if (c < '0' || c > '9') {
        return null;
      }
      v = v * 10 + (c - '0');
    }
    return token[0] == '-' ? -v : v;
  }

  private boolean symbolChars() {
    for (int k = 0; k < tokenLength; k++) {
      char c = token[k];
      if (!Character.isLetterOrDigit(c) && ".*+!-_?$%&=<>/:#'".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private void readToken() throws IOException {
    tokenLength = 0;
    while (pos < limit || fill(1)) {
      char c = buf[pos];
      if (delimiter(c)) {
        return;
      }
      if (tokenLength == token.length) {
        token = Arrays.copyOf(token, token.length * 2);
      }
      token[tokenLength++] = c;
      pos++;
      column++;
    }
  }

  private static boolean delimiter(char c) {
    return switch (c) {
      case ' ', ',', '\n', '\r', '\t', '{', '}', '[', ']', '(', ')', '"', ';', '\\' -> true;
      default -> Character.isWhitespace(c);
    };
  }

  private String tokenText() {
    return new String(token, 0, tokenLength);
  }

  /** Makes at least {@code need} characters available from {@code pos}; false at end of input. */
  private boolean fill(int need) throws IOException {
    while (limit - pos < need) {
      if (eof) {
        return false;
      }
      int keep = Math.min(pos, CONTEXT);
      if (pos > keep) {
        System.arraycopy(buf, pos - keep, buf, 0, limit - pos + keep);
        limit -= pos - keep;
        pos = keep;
      }
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    }
    return true;
  }

  private HistoryException malformed(String problem) {
    return malformedAt(line, column, problem);
  }

  private HistoryException malformedAt(long atLine, long atColumn, String problem) {
    return errorAt(atLine, atColumn, "reason=malformed-edn problem=" + problem);
  }

  /** An error at the current position. */
  public HistoryException error(String detail) {
    return errorAt(line, column, detail);
  }

  /** An error at the given position, with the text around the current one. */
  public HistoryException errorAt(long atLine, long atColumn, String detail) {
    int from = Math.max(0, pos - CONTEXT);
    int to = Math.min(limit, pos + CONTEXT);
    StringBuilder near = new StringBuilder();
    for (int k = from; k < to; k++) {
      near.append(k == pos ? "⏵" : "").append(printable(buf[k]));
    }
    return new HistoryException("file=" + source + " line=" + atLine + " column=" + atColumn + " " + detail
        + " near=\"" + near + "\"");
  }

  private static String printable(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case '"' -> "\\\"";
      default -> c < ' ' || c == 0xfffd ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
