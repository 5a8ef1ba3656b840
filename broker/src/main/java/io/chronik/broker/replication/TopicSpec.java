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

  /**
   * One partition: its Raft group id, the id's incarnation and its replicas (node ids, preferred first).
   * A group id is reused after its topic was deleted ({@link GroupIdSupply}); the incarnation (0 at an
   * id's first use, one more at each reuse) tells the Raft groups that had the same id apart: in their
   * directory names and in every peer message, so nothing of a deleted group reaches its successor.
   */
  public record PartitionSpec(int index, int groupId, int incarnation, List<Integer> replicas) {
    public PartitionSpec {
      if (incarnation < 0) {
        throw new IllegalArgumentException("group=" + groupId + " incarnation=" + incarnation + " reason=negative");
      }
      replicas = List.copyOf(replicas);
    }

    /** A group id at its first use (incarnation 0). */
    public PartitionSpec(int index, int groupId, List<Integer> replicas) {
      this(index, groupId, 0, replicas);
    }
  }
}
