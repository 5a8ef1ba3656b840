package io.chronik.verifier.history;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.Keyword;
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
  /** Elements of the vectors and lists being read, innermost last: one growing array, no per-list garbage. */
  private Object[] scratch = new Object[256];
  private int scratchTop;

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
    int base = scratchTop;
    try {
      while (true) {
        int c = peek();
        if (c < 0) {
          throw malformed("unclosed-" + kind + " opened-line=" + startLine + " opened-column=" + startColumn);
        }
        if (c == close) {
          skip();
          return new EdnVector(Arrays.copyOfRange(scratch, base, scratchTop));
        }
        Object element = readForm();
        if (scratchTop == scratch.length) {
          scratch = Arrays.copyOf(scratch, scratch.length * 2);
        }
        scratch[scratchTop++] = element;
      }
    } finally {
      Arrays.fill(scratch, base, scratchTop, null);
      scratchTop = base;
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
    String name = first + tokenText();
    try {
      return EdnLiterals.character(name);
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
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
      try {
        return EdnLiterals.symbolicValue(tokenText());
      } catch (IllegalArgumentException e) {
        throw malformed(e.getMessage());
      }
    }
    readToken();
    if (tokenLength == 0 || !Character.isLetter(token[0]) || !symbolChars()) {
      throw malformedAt(startLine, startColumn, "bad-dispatch text=#" + c);
    }
    String tag = tokenText();
    Object value = readForm();
    try {
      return EdnLiterals.tagged(tag, value);
    } catch (IllegalArgumentException e) {
      throw malformedAt(startLine, startColumn, e.getMessage());
    } catch (EdnException e) {
      throw malformedAt(startLine, startColumn, "bad-tag tag=#" + abbreviate(tag));
    }
  }

  private Object atom(long startLine, long startColumn) throws IOException {
    readToken();
    if (tokenLength == 0) {
      throw malformedAt(startLine, startColumn, "unexpected-character char=" + EdnLiterals.printable(buf[pos]));
    }
    char first = token[0];
    boolean signed = first == '+' || first == '-';
    if (Character.isDigit(first) || signed && tokenLength > 1 && Character.isDigit(token[1])) {
      Long fast = smallLong();
      if (fast != null) {
        return fast;
      }
      try {
        return EdnLiterals.number(tokenText());
      } catch (IllegalArgumentException e) {
        throw malformedAt(startLine, startColumn, e.getMessage());
      }
    }
    if (!symbolChars()) {
      throw malformedAt(startLine, startColumn, "bad-symbol symbol=" + tokenText());
    }
    String name = tokenText();
    try {
      return EdnLiterals.symbol(name);
    } catch (EdnException e) {
      throw malformedAt(startLine, startColumn, "bad-symbol symbol=" + abbreviate(name));
    }
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
      near.append(k == pos ? "⏵" : "").append(EdnLiterals.printable(buf[k]));
    }
    return new HistoryException("file=" + source + " line=" + atLine + " column=" + atColumn + " " + detail
        + " near=\"" + near + "\"");
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
