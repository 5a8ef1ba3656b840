package io.chronik.verifier.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import us.bpsm.edn.Keyword;

/**
 * The retention settings of the workload's topic as the final reader found them (DescribeConfigs:
 * the topic's configs over the broker's defaults), recorded on its assign as
 * {@code :retention {:retention.bytes 16384 :segment.bytes 4096 :retention.ms 604800000
 * :cleanup.policy "delete"}}. A topic whose cleanup.policy lacks {@code delete} has time and size
 * retention off, as in Kafka and Chronik.
 *
 * @param retentionBytes -1 = unlimited
 * @param segmentBytes the size at which a segment is rolled
 * @param retentionMs -1 = unlimited
 */
public record Retention(long retentionBytes, long segmentBytes, long retentionMs) {
  /**
   * Upper bound on what one record of this workload adds to a partition's log, were it alone in its
   * batch and its Raft entry: Chronik's entry frame header (36 bytes, raft RecordFrame.HEADER_BYTES),
   * a Kafka v2 batch header (61) and the record itself (length, attributes, timestamp delta, offset
   * delta, key and value lengths as varints at their widest: 5+1+10+5+5+5, an 8-byte key, an 8-byte
   * value, a header count: 52), 149 in all, rounded up. Records sharing a batch or an entry take less.
   * Kafka's own log has no entry frame, so the bound holds there too.
   */
  static final long RECORD_BYTES_MAX = 160;
  /**
   * Clocks of the control node and the brokers may differ by this much (the lab shares one clock; a
   * hosts run's are NTP-synchronised): time retention is ruled out only with this margin.
   */
  static final long CLOCK_SKEW_MS_MAX = 60_000;
  /** Kafka's defaults, for a history that names only some settings. */
  private static final long SEGMENT_BYTES_DEFAULT = 1L << 30;
  private static final long RETENTION_MS_DEFAULT = 604_800_000L;

  static final Keyword RETENTION_BYTES = Keyword.newKeyword("retention.bytes");
  static final Keyword SEGMENT_BYTES = Keyword.newKeyword("segment.bytes");
  static final Keyword RETENTION_MS = Keyword.newKeyword("retention.ms");
  static final Keyword CLEANUP_POLICY = Keyword.newKeyword("cleanup.policy");

  /** From the history's {@code :retention} map; null when it is absent (an old history: no retention). */
  static Retention fromEdn(Object edn) {
    if (!(edn instanceof Map<?, ?> m)) {
      return null;
    }
    boolean deletes = !(m.get(CLEANUP_POLICY) instanceof String policy) || policy.contains("delete");
    return new Retention(deletes ? longOr(m.get(RETENTION_BYTES), -1) : -1,
        longOr(m.get(SEGMENT_BYTES), SEGMENT_BYTES_DEFAULT),
        deletes ? longOr(m.get(RETENTION_MS), RETENTION_MS_DEFAULT) : -1);
  }

  /**
   * The {@code :retention} map a recorder writes from a topic's described configs (numbers as
   * integers; settings the configs lack are left out).
   */
  public static Map<Keyword, Object> edn(Map<String, String> configs) {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    for (Keyword k : new Keyword[] {RETENTION_BYTES, SEGMENT_BYTES, RETENTION_MS}) {
      String v = configs.get(k.getName());
      if (v != null) {
        m.put(k, longOr(v, -1));
      }
    }
    if (configs.get(CLEANUP_POLICY.getName()) != null) {
      m.put(CLEANUP_POLICY, configs.get(CLEANUP_POLICY.getName()));
    }
    return m;
  }

  private static long longOr(Object o, long fallback) {
    if (o instanceof Long l) {
      return l;
    }
    if (o instanceof Integer i) {
      return i;
    }
    if (o instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  /**
   * The lowest offset that retention cannot have deleted, in a partition whose records end below
   * {@code endOffset}, for a history spanning {@code historySpanMs}; {@link Long#MAX_VALUE} when
   * retention could have deleted any record (nothing is protected).
   *
   * <p>Why this is sound (never flags a correct broker). Size retention (Kafka's rule, Chronik's
   * {@code SegmentRetention.logStartFor}) deletes only whole closed segments, oldest first, and a
   * segment only while the segments after it still hold at least retention.bytes. A record at offset
   * {@code o} goes only with the segment holding it or a later one, so only when the log bytes after
   * o's entry reached retention.bytes at the time of the decision. Those bytes are (a) the records
   * after o — at most {@code endOffset - 1 - o} of them (offsets are dense; markers only take offsets
   * away from records), each at most {@link #RECORD_BYTES_MAX}, and the log only grows after the
   * decision, so the final end bounds them — and (b) entries that are no records: Raft no-ops of new
   * leaders, log start markers (60 bytes each with their frame), and a leader's uncommitted tail (a
   * few in-flight produce batches) that a later leader may truncate. (b) is given one whole segment,
   * segment.bytes. So if {@code (endOffset - 1 - o) * RECORD_BYTES_MAX + segment.bytes <
   * retention.bytes}, size retention never deleted o. Time retention deletes a segment only when its
   * newest timestamp is older than retention.ms; the topic was created for this run, so when
   * retention.ms exceeds the history's span plus {@link #CLOCK_SKEW_MS_MAX}, it deleted nothing.
   * Otherwise nothing is protected.
   */
  long protectedFrom(long endOffset, long historySpanMs) {
    if (retentionMs >= 0 && retentionMs <= historySpanMs + CLOCK_SKEW_MS_MAX) {
      return Long.MAX_VALUE;
    }
    if (retentionBytes < 0) {
      return 0;
    }
    long budget = retentionBytes - segmentBytes;
    if (budget <= 0) {
      return Long.MAX_VALUE;
    }
    // largest n with n * RECORD_BYTES_MAX < budget: the n+1 offsets endOffset-1-n .. endOffset-1 are kept
    long n = (budget - 1) / RECORD_BYTES_MAX;
    return endOffset - 1 - n;
  }
}
