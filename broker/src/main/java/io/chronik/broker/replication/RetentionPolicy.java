package io.chronik.broker.replication;

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
}
