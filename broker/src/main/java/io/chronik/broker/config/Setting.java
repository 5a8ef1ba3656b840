package io.chronik.broker.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One broker setting, declared once in {@link BrokerSettings}: key, type, default, what values it takes and what
 * it means. Parsing and validation live here, so a bad value is refused at start with {@code key=… value=…
 * reason=…}, and docs/BROKER.md's key table is generated from the same declarations (a test keeps them equal).
 *
 * @param <T> the Java type callers get from {@link BrokerConfig#get(Setting)}
 */
public final class Setting<T> {
  private final String key;
  private final String defaultValue;
  private final String values;
  private final String meaning;
  private final String defaultShown;
  private final Function<String, T> parser;

  private Setting(String key, String defaultValue, String values, String meaning, Function<String, T> parser) {
    this(key, defaultValue, defaultValue, values, meaning, parser);
  }

  private Setting(String key, String defaultValue, String defaultShown, String values, String meaning,
      Function<String, T> parser) {
    this.key = Objects.requireNonNull(key);
    this.defaultValue = Objects.requireNonNull(defaultValue);
    this.defaultShown = Objects.requireNonNull(defaultShown);
    this.values = Objects.requireNonNull(values);
    this.meaning = Objects.requireNonNull(meaning);
    this.parser = parser;
  }

  /** An integer in {@code [min, max]}; {@code values} names the unit, e.g. "ms" or "bytes, 1 MiB–1 GiB". */
  public static Setting<Integer> integer(String key, int defaultValue, int min, int max, String values,
      String meaning) {
    return new Setting<>(key, Integer.toString(defaultValue), values, meaning,
        raw -> Math.toIntExact(parseLong(key, raw, min, max)));
  }

  /** A long in {@code [min, max]}. */
  public static Setting<Long> longValue(String key, long defaultValue, long min, long max, String values,
      String meaning) {
    return new Setting<>(key, Long.toString(defaultValue), values, meaning, raw -> parseLong(key, raw, min, max));
  }

  /** A decimal number in {@code [min, max]} (Kafka's ratios, e.g. {@code log.cleaner.min.cleanable.ratio}). */
  public static Setting<Double> decimal(String key, double defaultValue, double min, double max, String values,
      String meaning) {
    return new Setting<>(key, Double.toString(defaultValue), values, meaning, raw -> {
      double v;
      try {
        v = Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(describe(key, raw, "not-a-number"));
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(describe(key, raw, "out-of-range min=" + min + " max=" + max));
      }
      return v;
    });
  }

  public static Setting<Boolean> bool(String key, boolean defaultValue, String meaning) {
    return new Setting<>(key, Boolean.toString(defaultValue), "true/false", meaning, raw -> {
      if (!raw.equals("true") && !raw.equals("false")) {
        throw new IllegalArgumentException(describe(key, raw, "expected true or false"));
      }
      return Boolean.parseBoolean(raw);
    });
  }

  /**
   * Free text; {@code emptyAllowed=false} refuses an empty value. {@code defaultShown} is what the docs show
   * for the default when it is computed (e.g. "(listener.host)"); null shows the default itself.
   */
  public static Setting<String> text(String key, String defaultValue, boolean emptyAllowed, String defaultShown,
      String values, String meaning) {
    return new Setting<>(key, defaultValue, defaultShown == null ? defaultValue : defaultShown, values, meaning,
        raw -> {
          if (!emptyAllowed && raw.isEmpty()) {
            throw new IllegalArgumentException(describe(key, raw, "must not be empty"));
          }
          return raw;
        });
  }

  /** One of a fixed list of words. */
  public static Setting<String> oneOf(String key, String defaultValue, List<String> choices, String meaning) {
    return new Setting<>(key, defaultValue, String.join(", ", choices), meaning, raw -> {
      if (!choices.contains(raw)) {
        throw new IllegalArgumentException(describe(key, raw, "expected one of " + String.join(", ", choices)));
      }
      return raw;
    });
  }

  private static long parseLong(String key, String raw, long min, long max) {
    long v;
    try {
      v = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(describe(key, raw, "not-an-integer"));
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(describe(key, raw, "out-of-range min=" + min + " max=" + max));
    }
    return v;
  }

  static String describe(String key, String value, String reason) {
    return "key=" + key + " value=" + value + " reason=" + reason;
  }

  /** Parses and validates {@code raw} (already trimmed); throws with {@code key=… value=… reason=…}. */
  public T parse(String raw) {
    return parser.apply(raw);
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  /** The default as the docs show it. */
  public String defaultShown() {
    return defaultShown;
  }

  public String values() {
    return values;
  }

  public String meaning() {
    return meaning;
  }

  @Override
  public String toString() {
    return key;
  }
}
