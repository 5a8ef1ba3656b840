package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.TopicConfigs;
import java.util.Map;

/**
 * A partition's key-compaction settings (its topic's configs over the broker's {@code log.cleaner.*}
 * defaults), as Kafka's {@code cleanup.policy}, {@code min.cleanable.dirty.ratio},
 * {@code delete.retention.ms} and {@code min.compaction.lag.ms}.
 *
 * @param compact cleanup.policy names {@code compact}: superseded records are cleaned away
 * @param minCleanableDirtyRatio a cleaning is proposed once the bytes since the last cleaning point are at
 *     least this share of the cleanable log
 * @param deleteRetentionMs tombstones stay readable at least this long after they were first below a
 *     committed cleaning point
 * @param minCompactionLagMs batches newer than this (max timestamp) are not cleaned
 */
public record CompactionPolicy(boolean compact, double minCleanableDirtyRatio, long deleteRetentionMs,
    long minCompactionLagMs) {
  /** No key compaction (cleanup.policy=delete). */
  public static final CompactionPolicy NONE = new CompactionPolicy(false, 0.5, 86_400_000L, 0);

  public static CompactionPolicy of(Map<String, String> topicConfigs, BrokerConfig broker) {
    return new CompactionPolicy(TopicConfigs.cleanupPolicy(topicConfigs, broker).contains("compact"),
        TopicConfigs.minCleanableDirtyRatio(topicConfigs, broker),
        TopicConfigs.longValue(TopicConfigs.DELETE_RETENTION_MS, topicConfigs, broker),
        TopicConfigs.longValue(TopicConfigs.MIN_COMPACTION_LAG_MS, topicConfigs, broker));
  }
}
