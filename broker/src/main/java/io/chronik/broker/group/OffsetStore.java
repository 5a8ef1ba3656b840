package io.chronik.broker.group;

import io.chronik.broker.replication.MetadataCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed group offsets as this node applied them from the metadata Raft group (state thread). An
 * OffsetCommit is answered only after its command is committed by a majority and applied here, and
 * OffsetFetch reads it behind a ReadIndex barrier, so a commit survives coordinator failover and is
 * never read stale. The metadata group's snapshots hold them too, so its log is compacted below the
 * latest snapshot and a start loads them from it ({@link #replaceAll}).
 */
public final class OffsetStore {
  /** A committed offset. */
  public record Committed(long offset, int leaderEpoch, String metadata) {}

  private final Map<String, Map<TopicPartition, Committed>> byGroup = new HashMap<>();

  /** Applies a committed OffsetCommit (called in metadata log order). */
  public void apply(String group, List<MetadataCommand.Offset> offsets) {
    Map<TopicPartition, Committed> committed = byGroup.computeIfAbsent(group, g -> new TreeMap<>(
        (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
            : a.topic().compareTo(b.topic())));
    for (MetadataCommand.Offset o : offsets) {
      committed.put(new TopicPartition(o.topic(), o.partition()), new Committed(o.offset(), o.leaderEpoch(),
          o.metadata()));
    }
  }

  /** Every group's offsets, from a metadata snapshot: what was known before is dropped. */
  public void replaceAll(Map<String, List<MetadataCommand.Offset>> offsets) {
    byGroup.clear();
    offsets.forEach(this::apply);
  }

  /** The command that commits {@code offsets} for {@code group}. */
  public static MetadataCommand.CommitOffsets command(String group, Map<TopicPartition, Committed> offsets) {
    List<MetadataCommand.Offset> list = new ArrayList<>();
    offsets.forEach((tp, c) -> list.add(new MetadataCommand.Offset(tp.topic(), tp.partition(), c.offset(),
        c.leaderEpoch(), c.metadata())));
    return new MetadataCommand.CommitOffsets(group, list);
  }

  public Map<TopicPartition, Committed> committed(String group) {
    return byGroup.getOrDefault(group, Map.of());
  }

  public List<String> groupIds() {
    return new ArrayList<>(byGroup.keySet());
  }

  /** Forgets the offsets of a deleted topic's partitions (as Kafka does on topic deletion). */
  public void removeTopic(String topic) {
    for (Map<TopicPartition, Committed> m : byGroup.values()) {
      m.keySet().removeIf(tp -> tp.topic().equals(topic));
    }
  }
}
