package io.chronik.broker.api;

import io.chronik.broker.group.Group;
import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer group figures for the metrics registry, computed on the state thread: committed-offset lag
 * for the partitions this node leads (so summing over nodes counts each partition once), and members
 * and generation of the groups this node coordinates.
 */
public final class ConsumerLag {
  /** Lag of one group on one partition: high watermark minus committed offset. */
  public record Row(String group, String topic, int partition, long lag) {}

  /** A group this node coordinates: member count and generation (rebalances completed). */
  public record GroupRow(String group, int members, int generation) {}

  /** Both lists, taken together. */
  public record View(List<Row> lag, List<GroupRow> groups) {}

  private ConsumerLag() {}

  /** State thread only. */
  public static View take(BrokerState s) {
    List<Row> rows = new ArrayList<>();
    for (String group : s.offsets.groupIds()) {
      for (Map.Entry<TopicPartition, OffsetStore.Committed> e : s.offsets.committed(group).entrySet()) {
        TopicPartition tp = e.getKey();
        Topic t = s.topics.topic(tp.topic());
        Partition p = t == null ? null : t.partition(tp.partition());
        if (p != null && p.leading()) {
          rows.add(new Row(group, tp.topic(), tp.partition(), Math.max(0, p.highWatermark() - e.getValue().offset())));
        }
      }
    }
    List<GroupRow> groups = new ArrayList<>();
    for (Group g : s.groups.groups()) {
      groups.add(new GroupRow(g.groupId(), g.members().size(), g.generation()));
    }
    return new View(rows, groups);
  }
}
