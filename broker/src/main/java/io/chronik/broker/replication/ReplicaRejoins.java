package io.chronik.broker.replication;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes that came back with a new data dir (a lost disk: a new directory id in their registration) and whose
 * old incarnation still counts somewhere. Raft's safety rests on every voter keeping its persisted vote and log,
 * so the new incarnation must not vote or acknowledge in any group that still counts the old one: every peer
 * drops its Raft messages for such a group ({@link IncarnationFence}), and the group is changed under it:
 *
 * <ol>
 *   <li>each partition group the node was a replica of moves to its replicas without the node (joint consensus
 *       among the others, as a move away from a dead node), then back to its replicas as they were: the node
 *       joins as a learner under its new incarnation, catches up (by InstallSnapshot where the log was
 *       compacted) and is promoted ({@link PartitionMoves});
 *   <li>in the metadata group the leader removes the node as a voter (it stays a learner), says so with
 *       {@link #METADATA_LEFT}, and once the learner holds every committed entry adds it back as a voter
 *       ({@link #VOTER_RESTORED}), if it was one ({@link #VOTER_TO_RESTORE}) ({@link MetadataVoters}).
 * </ol>
 *
 * Started by the {@link MetadataCommand.RegisterNode} that changes a node's directory id, advanced by applied
 * commands only (PartitionMoved, {@link MetadataCommand.ReplicaRejoined}), so every node holds the same state;
 * it is in the metadata snapshot. Written on the driver thread; read from any thread (the fence).
 */
public final class ReplicaRejoins {
  /** The node was a metadata voter when its rejoin began: it is made one again once caught up. */
  public static final byte VOTER_TO_RESTORE = 1;
  /** The metadata group's committed configuration no longer counts the node's old incarnation as a voter. */
  public static final byte METADATA_LEFT = 2;
  /** The node is a metadata voter again, under its new incarnation. */
  public static final byte VOTER_RESTORED = 3;

  /** A partition group the node's old incarnation is still a replica of, and the replicas to restore after. */
  public record Pending(String topic, int partition, List<Integer> restore) {
    public Pending {
      restore = List.copyOf(restore);
    }
  }

  /**
   * One node's rejoin: whether the metadata group still counts its old incarnation, whether it is to be made a
   * metadata voter again, and its pending partition groups by group id.
   */
  public record Rejoin(int node, boolean metadata, boolean restoreVoter, SortedMap<Integer, Pending> partitions) {
    public Rejoin {
      partitions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    boolean done() {
      return !metadata && !restoreVoter && partitions.isEmpty();
    }
  }

  private static final Logger log = LoggerFactory.getLogger(ReplicaRejoins.class);
  private final Map<Integer, Rejoin> byNode = new ConcurrentSkipListMap<>();

  /** Any thread: messages of {@code node} in group {@code groupId} come from an incarnation that must not count. */
  public boolean fences(int node, int groupId) {
    Rejoin r = byNode.get(node);
    if (r == null) {
      return false;
    }
    return groupId == MetadataGroup.GROUP_ID ? r.metadata() : r.partitions().containsKey(groupId);
  }

  /** Any thread: nodes whose rejoin is not finished. */
  public int rejoining() {
    return byNode.size();
  }

  /** Any thread: {@code node}'s rejoin, or null. */
  public Rejoin of(int node) {
    return byNode.get(node);
  }

  /** Every unfinished rejoin, by node id (snapshot, tests). */
  public List<Rejoin> all() {
    return List.copyOf(byNode.values());
  }

  /**
   * {@code node} registered a new directory id over another one: every partition it is a replica or move target
   * of starts to move to its replicas without it ({@code change} replaces a partition's spec, as the image does),
   * and the metadata group's count of it is pending. A partition whose only replica it was cannot be rebuilt
   * from anywhere: it stays as it is, and the loss is logged. A rejoin under way keeps its pending groups (their
   * replica lists to restore were taken before they moved).
   */
  void start(int node, Collection<TopicSpec> topics, PartitionChange change) {
    Rejoin before = byNode.get(node);
    TreeMap<Integer, Pending> pending = before == null ? new TreeMap<>() : new TreeMap<>(before.partitions());
    int sole = 0;
    for (TopicSpec t : topics) {
      for (TopicSpec.PartitionSpec p : t.partitions()) {
        List<Integer> restore = p.moving() ? p.target() : p.replicas();
        if (pending.containsKey(p.groupId()) || !(p.replicas().contains(node) || restore.contains(node))) {
          continue;
        }
        List<Integer> without = new ArrayList<>(restore);
        without.remove(Integer.valueOf(node));
        if (without.isEmpty()) {
          sole++;
          log.error("topic={} partition={} group={} node={} reason=sole-replica-lost-its-disk", t.name(), p.index(),
              p.groupId(), node);
          continue;
        }
        pending.put(p.groupId(), new Pending(t.name(), p.index(), restore));
        change.apply(t.name(), p.index(), s -> s.movingTo(without));
      }
    }
    byNode.put(node, new Rejoin(node, true, before != null && before.restoreVoter(), pending));
    log.info("node={} partitions={} soleReplicasLost={} action=rejoin-started", node, pending.size(), sole);
  }

  /**
   * Partition {@code spec} of {@code topic} finished a move: a rejoining node it no longer has among its replicas
   * has left the group, so it moves back to the replicas it had (the node returns as a new learner).
   */
  void moved(String topic, TopicSpec.PartitionSpec spec, PartitionChange change) {
    for (Rejoin r : List.copyOf(byNode.values())) {
      Pending p = r.partitions().get(spec.groupId());
      if (p == null || spec.moving() || spec.replicas().contains(r.node())) {
        continue;
      }
      TreeMap<Integer, Pending> rest = new TreeMap<>(r.partitions());
      rest.remove(spec.groupId());
      update(new Rejoin(r.node(), r.metadata(), r.restoreVoter(), rest));
      if (!p.restore().equals(spec.replicas())) {
        change.apply(topic, spec.index(), s -> s.movingTo(p.restore()));
      }
      log.info("topic={} partition={} group={} node={} replicas={} restore={} action=rejoin-old-replica-removed",
          topic, spec.index(), spec.groupId(), r.node(), spec.replicas(), p.restore());
    }
  }

  /** Group {@code groupId} is pending for some node (a reassignment of it waits until the rejoin moved it). */
  boolean pending(int groupId) {
    return byNode.values().stream().anyMatch(r -> r.partitions().containsKey(groupId));
  }

  /** A {@link MetadataCommand.ReplicaRejoined} step applied. */
  void step(int node, byte step) {
    Rejoin r = byNode.get(node);
    if (r == null) {
      return;
    }
    Rejoin next = switch (step) {
      case VOTER_TO_RESTORE -> new Rejoin(node, r.metadata(), true, r.partitions());
      case METADATA_LEFT -> new Rejoin(node, false, r.restoreVoter(), r.partitions());
      case VOTER_RESTORED -> new Rejoin(node, r.metadata(), false, r.partitions());
      default -> throw new IllegalArgumentException("node=" + node + " step=" + step + " reason=unknown-rejoin-step");
    };
    update(next);
    log.info("node={} step={} metadataPending={} restoreVoter={} partitionsPending={} action=rejoin-step", node, step,
        next.metadata(), next.restoreVoter(), next.partitions().size());
  }

  /** Groups of a deleted topic are pending no more. */
  void deleted(Collection<Integer> groupIds) {
    for (Rejoin r : List.copyOf(byNode.values())) {
      TreeMap<Integer, Pending> rest = new TreeMap<>(r.partitions());
      if (rest.keySet().removeAll(groupIds)) {
        update(new Rejoin(r.node(), r.metadata(), r.restoreVoter(), rest));
      }
    }
  }

  /** The node left the cluster (UnregisterNode): nothing of it is to be restored. */
  void forget(int node) {
    byNode.remove(node);
  }

  /** Replaces every rejoin (a snapshot restored). */
  void replace(Collection<Rejoin> rejoins) {
    byNode.clear();
    rejoins.forEach(r -> byNode.put(r.node(), r));
  }

  private void update(Rejoin r) {
    if (r.done()) {
      byNode.remove(r.node());
      log.info("node={} action=rejoin-finished", r.node());
    } else {
      byNode.put(r.node(), r);
    }
  }

  /** Replaces a partition's spec by what {@code change} makes of it (the image's changePartition). */
  @FunctionalInterface
  interface PartitionChange {
    void apply(String topic, int index, UnaryOperator<TopicSpec.PartitionSpec> change);
  }
}
