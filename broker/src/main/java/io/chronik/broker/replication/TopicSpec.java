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
   * One partition: its Raft group id, the id's incarnation, its replicas (node ids, preferred first) and,
   * while it moves, the replicas it moves to ({@code target}, empty otherwise; see docs/MEMBERSHIP.md).
   * A group id is reused after its topic was deleted ({@link GroupIdSupply}); the incarnation (0 at an
   * id's first use, one more at each reuse) tells the Raft groups that had the same id apart: in their
   * directory names and in every peer message, so nothing of a deleted group reaches its successor.
   */
  public record PartitionSpec(int index, int groupId, int incarnation, List<Integer> replicas, List<Integer> target) {
    public PartitionSpec {
      if (incarnation < 0) {
        throw new IllegalArgumentException("group=" + groupId + " incarnation=" + incarnation + " reason=negative");
      }
      replicas = List.copyOf(replicas);
      target = List.copyOf(target);
    }

    public PartitionSpec(int index, int groupId, int incarnation, List<Integer> replicas) {
      this(index, groupId, incarnation, replicas, List.of());
    }

    /** A group id at its first use (incarnation 0). */
    public PartitionSpec(int index, int groupId, List<Integer> replicas) {
      this(index, groupId, 0, replicas);
    }

    /** A move is under way. */
    public boolean moving() {
      return !target.isEmpty();
    }

    /**
     * Whether {@code node} opens a replica: one of the replicas, or of the target while the partition moves
     * (a replica the move removes closes once its group's committed configuration leaves it out).
     */
    public boolean hostedBy(int node) {
      return replicas.contains(node) || target.contains(node);
    }

    /** Whether {@code node} holds a replica once the move (if any) is done. */
    public boolean keptBy(int node) {
      return moving() ? target.contains(node) : replicas.contains(node);
    }

    /**
     * The same partition moving to {@code to}; an empty {@code to} cancels a move, which is a move back to
     * the replicas (the group may have changed already), and asks nothing of a partition that does not move.
     */
    public PartitionSpec movingTo(List<Integer> to) {
      if (to.isEmpty()) {
        return moving() ? new PartitionSpec(index, groupId, incarnation, replicas, replicas) : this;
      }
      if (!moving() && to.equals(replicas)) {
        return this;
      }
      return new PartitionSpec(index, groupId, incarnation, replicas, to);
    }

    /** The same partition with its move done: the target is its replicas. */
    public PartitionSpec moved() {
      return new PartitionSpec(index, groupId, incarnation, target, List.of());
    }

    /**
     * The replicas as Kafka shows them during a move: the target, then the ones being removed (Kafka's
     * {@code replicas} of a partition under reassignment); outside a move, the replicas.
     */
    public List<Integer> shown() {
      if (target.isEmpty()) {
        return replicas;
      }
      List<Integer> all = new java.util.ArrayList<>(target);
      replicas.stream().filter(r -> !target.contains(r)).forEach(all::add);
      return List.copyOf(all);
    }

    /** Replicas the move adds (Kafka's addingReplicas). */
    public List<Integer> adding() {
      return target.stream().filter(r -> !replicas.contains(r)).toList();
    }

    /** Replicas the move removes (Kafka's removingReplicas). */
    public List<Integer> removing() {
      return target.isEmpty() ? List.of() : replicas.stream().filter(r -> !target.contains(r)).toList();
    }
  }
}
