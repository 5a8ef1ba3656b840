package io.chronik.broker.replication;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.Uuid;

/**
 * The nodes that registered themselves through the metadata log ({@link MetadataCommand.RegisterNode}): their
 * addresses and data dir incarnations, the latest registration per node id. Written on the driver thread (apply,
 * restore); read from any thread (DescribeQuorum, the node's own registration check).
 */
public final class RegisteredNodes {
  /** One registration: where the node is reached and which incarnation of its data dir registered. */
  public record Node(int id, String host, int kafkaPort, int raftPort, Uuid directoryId) {
    static Node of(MetadataCommand.RegisterNode r) {
      return new Node(r.nodeId(), r.host(), r.kafkaPort(), r.raftPort(),
          new Uuid(r.directoryIdHigh(), r.directoryIdLow()));
    }

    /** A node's registration from its {@code cluster.nodes} entry. */
    static Node of(io.chronik.broker.config.ClusterNodes.Node own, Uuid directoryId) {
      return new Node(own.id(), own.host(), own.kafkaPort(), own.raftPort(), directoryId);
    }

    MetadataCommand.RegisterNode command() {
      return new MetadataCommand.RegisterNode(id, host, kafkaPort, raftPort, directoryId.getMostSignificantBits(),
          directoryId.getLeastSignificantBits());
    }
  }

  private final Map<Integer, Node> nodes = new ConcurrentSkipListMap<>();
  /** Nodes unregistered (UnregisterNode) and not registered again since: no longer placed on, listed or moved to. */
  private final java.util.Set<Integer> left = new java.util.concurrent.ConcurrentSkipListSet<>();
  /** Told every registration applied (driver thread): the node's peer addresses follow them. */
  private volatile java.util.function.Consumer<Node> applied = n -> { };

  void onApplied(java.util.function.Consumer<Node> listener) {
    applied = listener;
  }

  void register(MetadataCommand.RegisterNode r) {
    Node n = Node.of(r);
    nodes.put(n.id(), n);
    left.remove(n.id());
    applied.accept(n);
  }

  /** The node left the cluster (UnregisterNode): its registration goes; a later RegisterNode brings it back. */
  void unregister(int id) {
    nodes.remove(id);
    left.add(id);
  }

  /** Replaces every registration and the nodes that left (a snapshot restored). */
  void replace(Collection<Node> registered, Collection<Integer> leftNodes) {
    nodes.clear();
    left.clear();
    registered.forEach(n -> nodes.put(n.id(), n));
    left.addAll(leftNodes);
    registered.forEach(applied);
  }

  /** {@code id} left the cluster (unregistered and not registered again). */
  public boolean left(int id) {
    return left.contains(id);
  }

  /** The nodes that left, ascending. */
  public java.util.SortedSet<Integer> left() {
    return new java.util.TreeSet<>(left);
  }

  /** Of {@code seed} (ascending node ids), those new partitions are placed on: every one that has not left. */
  List<Integer> placeable(List<Integer> seed) {
    return left.isEmpty() ? seed : seed.stream().filter(id -> !left.contains(id)).toList();
  }

  /** The registration of {@code id}, or null. */
  public Node node(int id) {
    return nodes.get(id);
  }

  /** The directory id {@code id} registered, or {@link Uuid#ZERO_UUID} when unknown (Kafka's "none"). */
  public Uuid directoryId(int id) {
    Node n = nodes.get(id);
    return n == null ? Uuid.ZERO_UUID : n.directoryId();
  }

  /** Every registration, by node id. */
  public List<Node> all() {
    return List.copyOf(nodes.values());
  }
}
