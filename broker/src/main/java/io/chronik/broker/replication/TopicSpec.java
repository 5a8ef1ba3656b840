package io.chronik.broker.replication;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the metadata group holds it: partitions in index order, each a Raft group on its
 * replicas, and the per-topic configs it set (the rest come from the broker defaults).
 */
public record TopicSpec(String name, Uuid id, List<PartitionSpec> partitions, Map<String, String> configs) {
  public TopicSpec {
    partitions = List.copyOf(partitions);
    configs = Map.copyOf(configs);
  }

  public TopicSpec(String name, Uuid id, List<PartitionSpec> partitions) {
    this(name, id, partitions, Map.of());
  }

  /** One partition: its Raft group id and its replicas (node ids, preferred first). */
  public record PartitionSpec(int index, int groupId, List<Integer> replicas) {
    public PartitionSpec {
      replicas = List.copyOf(replicas);
    }
  }
}
