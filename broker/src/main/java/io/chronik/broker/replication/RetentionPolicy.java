package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.TopicConfigs;
import java.util.Map;

/**
 * A partition's retention settings (its topic's configs over the broker defaults), as Kafka's
 * {@code retention.ms}, {@code retention.bytes}, {@code segment.bytes} and {@code segment.ms}.
 *
 * @param retentionMs whole segments whose newest batch timestamp is older are deleted; -1 = unlimited
 * @param retentionBytes the oldest whole segments are deleted while the rest holds at least this; -1 = unlimited
 * @param segmentBytes the active segment is rolled before it would grow past this
 * @param segmentMs the active segment is rolled once it is this old
 */
public record RetentionPolicy(long retentionMs, long retentionBytes, long segmentBytes, long segmentMs) {
  /** Keeps everything (tests that do not exercise retention). */
  public static final RetentionPolicy UNLIMITED = new RetentionPolicy(-1, -1, 1 << 30, Long.MAX_VALUE);

  /**
   * A topic's settings: its own configs over the broker's defaults. A cleanup.policy without
   * {@code delete} (plain {@code compact}) turns time and size retention off, as in Kafka.
   */
  public static RetentionPolicy of(Map<String, String> topicConfigs, BrokerConfig broker) {
    boolean deletes = TopicConfigs.cleanupPolicy(topicConfigs, broker).contains("delete");
    return new RetentionPolicy(deletes ? TopicConfigs.longValue(TopicConfigs.RETENTION_MS, topicConfigs, broker) : -1,
        deletes ? TopicConfigs.longValue(TopicConfigs.RETENTION_BYTES, topicConfigs, broker) : -1,
        TopicConfigs.longValue(TopicConfigs.SEGMENT_BYTES, topicConfigs, broker),
        TopicConfigs.longValue(TopicConfigs.SEGMENT_MS, topicConfigs, broker));
  }
}
