package io.chronik.verifier.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * What a final reader found about each partition before it read from the beginning, recorded on its
 * {@code :assign} invocation: {@code :log-start-offsets {key offset}} (ListOffsets EARLIEST),
 * {@code :end-offsets {key offset}} (LATEST) and {@code :retention} ({@link Retention}). Jepsen's
 * checker ignores these keys; a history without them (older ones) has no retention, and every
 * acknowledged value must still be there.
 *
 * @param retention null when the history names none: then no value counts as trimmed
 */
public record LogExtent(Map<Long, Long> logStarts, Map<Long, Long> ends, Retention retention) {
  static final Keyword LOG_START_OFFSETS = Keyword.newKeyword("log-start-offsets");
  static final Keyword END_OFFSETS = Keyword.newKeyword("end-offsets");
  static final Keyword RETENTION = Keyword.newKeyword("retention");

  /** From an invocation's extra keys; null unless it names log starts and retention. */
  static LogExtent fromEdn(Object logStarts, Object ends, Object retention) {
    Retention r = Retention.fromEdn(retention);
    if (!(logStarts instanceof Map<?, ?>) || r == null) {
      return null;
    }
    return new LogExtent(offsets(logStarts), offsets(ends), r);
  }

  private static Map<Long, Long> offsets(Object edn) {
    Map<Long, Long> m = new LinkedHashMap<>();
    if (edn instanceof Map<?, ?> byKey) {
      byKey.forEach((k, v) -> {
        if (k instanceof Long key && v instanceof Long offset) {
          m.put(key, offset);
        }
      });
    }
    return m;
  }

  /**
   * The extra keys of a final reader's assign: offsets by partition, retention from
   * {@link Retention#edn}, or null when the topic's configs could not be described (then the history
   * names no retention and the checker trims nothing).
   */
  public static Map<Keyword, Object> edn(Map<Long, Long> logStarts, Map<Long, Long> ends, Map<Keyword, Object> retention) {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    m.put(LOG_START_OFFSETS, new LinkedHashMap<>(logStarts));
    m.put(END_OFFSETS, new LinkedHashMap<>(ends));
    if (retention != null) {
      m.put(RETENTION, retention);
    }
    return m;
  }

  /** The partition's log start, 0 when not named. */
  long logStart(long key) {
    return logStarts.getOrDefault(key, 0L);
  }
}
