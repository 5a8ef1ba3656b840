package io.chronik.verifier.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import us.bpsm.edn.Symbol;
import us.bpsm.edn.Tag;
import us.bpsm.edn.TaggedValue;

/**
 * The values of EDN tokens once {@link EdnReader} has cut them out: numbers beyond the plain-long
 * fast path, symbols, named characters and tagged literals. Kept apart from the reader so that the
 * reader is about positions and structure. Failures are {@link IllegalArgumentException}s whose
 * message is the problem ({@code bad-number number=…}); edn-java's name checks throw its own
 * {@link us.bpsm.edn.EdnException}. The reader adds line and column to both.
 */
final class EdnLiterals {
  private static final java.util.regex.Pattern FLOAT =
      java.util.regex.Pattern.compile("[+-]?\\d+(\\.\\d*)?([eE][+-]?\\d+)?");

  private EdnLiterals() {}

  /** A number token that is not a plain decimal long: N, M, ratios, floats, integers beyond 64 bits. */
  static Object number(String t) {
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
        if (!FLOAT.matcher(t).matches()) {
          throw new NumberFormatException("float");
        }
        return Double.parseDouble(t);
      }
      BigInteger big = new BigInteger(unsigned(t));
      return big.bitLength() < 64 ? (Object) big.longValue() : big;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad-number number=" + EdnReader.abbreviate(t), e);
    }
  }

  /** BigInteger/BigDecimal take a leading '-' but EDN also allows '+'. */
  private static String unsigned(String t) {
    return t.startsWith("+") ? t.substring(1) : t;
  }

  /** {@code nil}, {@code true}, {@code false} or a symbol (namespaced when it has a slash inside). */
  static Object symbol(String name) {
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

  /** A character literal after the backslash: one character, a name ({@code newline}) or {@code uXXXX}. */
  static char character(String name) {
    if (name.length() == 1) {
      return name.charAt(0);
    }
    return switch (name) {
      case "newline" -> '\n';
      case "return" -> '\r';
      case "space" -> ' ';
      case "tab" -> '\t';
      case "formfeed" -> '\f';
      case "backspace" -> '\b';
      default -> {
        if (name.charAt(0) == 'u' && name.length() == 5) {
          try {
            yield (char) Integer.parseInt(name.substring(1), 16);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad-character character=\\" + name, e);
          }
        }
        throw new IllegalArgumentException("bad-character character=\\" + EdnReader.abbreviate(name));
      }
    };
  }

  /** {@code ##Inf}, {@code ##-Inf}, {@code ##NaN}. */
  static double symbolicValue(String name) {
    return switch (name) {
      case "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> throw new IllegalArgumentException("bad-symbolic-value value=##" + EdnReader.abbreviate(name));
    };
  }

  /**
   * A tagged literal: {@code #inst} → Date, {@code #uuid} → UUID, a record ({@code #a.b.C{…}}, a
   * dotted tag on a map, as Clojure prints defrecords such as Jepsen's {@code Op}) → the plain map,
   * any other tag → edn-java's {@link TaggedValue}.
   */
  static Object tagged(String tag, Object value) {
    switch (tag) {
      case "inst" -> {
        try {
          String s = (String) value;
          return Date.from(s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s).toInstant());
        } catch (ClassCastException | DateTimeParseException e) {
          throw new IllegalArgumentException("bad-inst inst=" + EdnReader.abbreviate(String.valueOf(value)), e);
        }
      }
      case "uuid" -> {
        try {
          return UUID.fromString((String) value);
        } catch (ClassCastException | IllegalArgumentException e) {
          throw new IllegalArgumentException("bad-uuid uuid=" + EdnReader.abbreviate(String.valueOf(value)), e);
        }
      }
      default -> {
        if (value instanceof Map<?, ?> && tag.indexOf('.') > 0) {
          return value;
        }
        int slash = tag.indexOf('/');
        Tag t = slash > 0 ? Tag.newTag(tag.substring(0, slash), tag.substring(slash + 1)) : Tag.newTag(tag);
        return TaggedValue.newTaggedValue(t, value);
      }
    }
  }

  /** A character as error messages show it: escapes for controls and quotes. */
  static String printable(char c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case '"' -> "\\\"";
      default -> c < ' ' || c == 0xfffd ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    };
  }
}
