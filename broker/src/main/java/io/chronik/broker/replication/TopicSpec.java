package io.chronik.broker.replication;

import java.util.List;
import org.apache.kafka.common.Uuid;

/** A topic as the metadata group holds it: partitions in index order, each a Raft group on its replicas. */
public record TopicSpec(String name, Uuid id, List<PartitionSpec> partitions) {
  public TopicSpec {
    partitions = List.copyOf(partitions);
  }

  /** One partition: its Raft group id and its replicas (node ids, preferred first). */
  public record PartitionSpec(int index, int groupId, List<Integer> replicas) {
    public PartitionSpec {
      replicas = List.copyOf(replicas);
    }
  }
}
