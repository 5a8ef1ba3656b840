package io.chronik.broker.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-topic configs a topic may carry (CreateTopics, AlterConfigs, IncrementalAlterConfigs), each
 * with the broker setting that supplies its default, as Kafka pairs {@code retention.ms} with
 * {@code log.retention.ms}. Stored in the metadata group with the topic, so every node applies the same
 * values. Keys Kafka has but Chronik does not act on are described as read-only defaults and refused on
 * alter; unknown keys are refused. {@code cleanup.policy} and {@code min.cleanable.dirty.ratio} are not
 * integers and are checked by their own rules. Nothing here reads files or the network.
 */
public final class TopicConfigs {
  private TopicConfigs() {}

  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  /** Smallest segment.bytes a topic may set: small segments let retention work at a fine grain (tests). */
  public static final long SEGMENT_BYTES_MIN = 1024;
  /**
   * Kafka's replication throttles (topic-level replica lists, broker-level rates). Chronik sets none: a
   * move's learners catch up at the normal append rate or the snapshot send rate. Deleting one is a no-op,
   * which {@code kafka-reassign-partitions --verify} asks for on every topic and node of a move.
   */
  public static final java.util.Set<String> REPLICATION_THROTTLES = java.util.Set.of(
      "leader.replication.throttled.replicas", "follower.replication.throttled.replicas",
      "leader.replication.throttled.rate", "follower.replication.throttled.rate",
      "replica.alter.log.dirs.io.max.bytes.per.second");

  /** A settable key: its broker default and its bounds. */
  private record Key(String name, Setting<?> brokerDefault, long min, long max) {}

  private static final List<Key> SETTABLE = List.of(
      new Key(RETENTION_MS, BrokerSettings.LOG_RETENTION_MS, -1, Long.MAX_VALUE),
      new Key(RETENTION_BYTES, BrokerSettings.LOG_RETENTION_BYTES, -1, Long.MAX_VALUE),
      new Key(SEGMENT_BYTES, BrokerSettings.LOG_SEGMENT_BYTES, SEGMENT_BYTES_MIN, 1 << 30),
      new Key(SEGMENT_MS, BrokerSettings.LOG_ROLL_MS, 1, Long.MAX_VALUE),
      new Key(DELETE_RETENTION_MS, BrokerSettings.LOG_CLEANER_DELETE_RETENTION_MS, 0, Long.MAX_VALUE),
      new Key(MIN_COMPACTION_LAG_MS, BrokerSettings.LOG_CLEANER_MIN_COMPACTION_LAG_MS, 0, Long.MAX_VALUE));

  /** Kafka topic keys described with their fixed value; altering them is refused. */
  private static final List<String> FIXED = List.of("compression.type", "max.message.bytes",
      "message.timestamp.type", "min.insync.replicas");

  /** Null when {@code key=value} may be set on a topic, else why not (for INVALID_CONFIG). */
  public static String invalidReason(String key, String value) {
    if (CLEANUP_POLICY.equals(key)) {
      return value == null || normalPolicy(value) != null ? null
          : "key=cleanup.policy value=" + value + " reason=unknown-policy known=delete,compact,compact+delete";
    }
    if (MIN_CLEANABLE_DIRTY_RATIO.equals(key)) {
      try {
        double v = Double.parseDouble(value == null ? "0" : value.trim());
        return v >= 0 && v <= 1 ? null : "key=" + key + " value=" + value + " reason=out-of-range min=0 max=1";
      } catch (NumberFormatException e) {
        return "key=" + key + " value=" + value + " reason=not-a-number";
      }
    }
    for (Key k : SETTABLE) {
      if (k.name().equals(key)) {
        try {
          long v = Long.parseLong(value == null ? "" : value.trim());
          return v < k.min() || v > k.max()
              ? "key=" + key + " value=" + value + " reason=out-of-range min=" + k.min() + " max=" + k.max() : null;
        } catch (NumberFormatException e) {
          return "key=" + key + " value=" + value + " reason=not-an-integer";
        }
      }
    }
    if (FIXED.contains(key)) {
      return "key=" + key + " reason=not-settable-per-topic (fixed by the broker)";
    }
    return "key=" + key + " reason=unknown-topic-config known=" + settableKeys();
  }

  /** The keys a topic may set. */
  public static List<String> settableKeys() {
    List<String> keys = new java.util.ArrayList<>();
    SETTABLE.forEach(k -> keys.add(k.name()));
    keys.add(CLEANUP_POLICY);
    keys.add(MIN_CLEANABLE_DIRTY_RATIO);
    return keys;
  }

  /**
   * {@code delete}, {@code compact} or {@code compact,delete} for a Kafka policy list in any order, with
   * blanks or kafka-configs' brackets; null when it names anything else.
   */
  static String normalPolicy(String value) {
    java.util.Set<String> words = new java.util.TreeSet<>();
    for (String w : value.replace("[", "").replace("]", "").split(",")) {
      if (!w.isBlank()) {
        words.add(w.trim());
      }
    }
    if (words.isEmpty() || !List.of("compact", "delete").containsAll(words)) {
      return null;
    }
    return String.join(",", words);
  }

  /** A topic's effective cleanup.policy, normalized: its own or the broker's {@code log.cleanup.policy}. */
  public static String cleanupPolicy(Map<String, String> topicConfigs, BrokerConfig broker) {
    String own = topicConfigs.get(CLEANUP_POLICY);
    String policy = own == null ? null : normalPolicy(own);
    return policy != null ? policy : broker.get(BrokerSettings.LOG_CLEANUP_POLICY);
  }

  /** A topic's min.cleanable.dirty.ratio: its own or the broker's {@code log.cleaner.min.cleanable.ratio}. */
  public static double minCleanableDirtyRatio(Map<String, String> topicConfigs, BrokerConfig broker) {
    String own = topicConfigs.get(MIN_CLEANABLE_DIRTY_RATIO);
    return own != null ? Double.parseDouble(own.trim()) : broker.get(BrokerSettings.LOG_CLEANER_MIN_CLEANABLE_RATIO);
  }

  /** Value of {@code key} for a topic with {@code topicConfigs}: its own value or the broker default. */
  public static long longValue(String key, Map<String, String> topicConfigs, BrokerConfig broker) {
    String own = topicConfigs.get(key);
    if (own != null) {
      return Long.parseLong(own.trim());
    }
    for (Key k : SETTABLE) {
      if (k.name().equals(key)) {
        return ((Number) broker.get(k.brokerDefault())).longValue();
      }
    }
    throw new IllegalArgumentException("key=" + key + " reason=not-a-numeric-topic-config");
  }

  /** One described entry: value, whether the topic set it, the broker key of its default (or null). */
  public record Described(String value, boolean topicSet, String brokerKey) {}

  /** Every topic config Kafka clients expect, with the effective value and where it comes from. */
  public static Map<String, Described> describe(Map<String, String> topicConfigs, BrokerConfig broker) {
    Map<String, Described> out = new LinkedHashMap<>();
    String policy = topicConfigs.get(CLEANUP_POLICY);
    out.put(CLEANUP_POLICY, new Described(cleanupPolicy(topicConfigs, broker), policy != null,
        BrokerSettings.LOG_CLEANUP_POLICY.key()));
    String ratio = topicConfigs.get(MIN_CLEANABLE_DIRTY_RATIO);
    out.put(MIN_CLEANABLE_DIRTY_RATIO, new Described(Double.toString(minCleanableDirtyRatio(topicConfigs, broker)),
        ratio != null, BrokerSettings.LOG_CLEANER_MIN_CLEANABLE_RATIO.key()));
    out.put("compression.type", new Described("producer", false, null));
    out.put("max.message.bytes", new Described(Integer.toString(broker.get(BrokerSettings.MESSAGE_BYTES_MAX)),
        false, BrokerSettings.MESSAGE_BYTES_MAX.key()));
    out.put("message.timestamp.type", new Described("CreateTime", false, null));
    int nodes = Math.max(1, broker.clusterNodes().size());
    out.put("min.insync.replicas", new Described(Integer.toString(nodes / 2 + 1), false, null));
    for (Key k : SETTABLE) {
      String own = topicConfigs.get(k.name());
      out.put(k.name(), new Described(own != null ? own : String.valueOf(broker.get(k.brokerDefault())),
          own != null, k.brokerDefault().key()));
    }
    return out;
  }
}
