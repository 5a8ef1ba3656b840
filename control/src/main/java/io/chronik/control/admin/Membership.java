package io.chronik.control.admin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The membership operations behind {@code chronik admin add-voter / remove-voter / decommission}, over the Kafka
 * protocol only (kafka-clients' Admin): the metadata group's voters by KIP-853's AddRaftVoter / RemoveRaftVoter,
 * partition replicas by AlterPartitionReassignments. Each prints {@code key=value} lines and throws
 * {@link Refused} (exit 1) with the reason when the cluster refuses or a precondition fails; nothing is changed
 * by a refused precondition.
 */
final class Membership implements AutoCloseable {
  /** A refused operation: its {@code key=value} reason. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private final Admin admin;
  private final Duration timeout;
  private final PrintStream out;

  Membership(String bootstrap, Duration timeout, PrintStream out) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())));
    this.timeout = timeout;
    this.out = out;
  }

  /** Waits until node N observes the metadata log and caught up, then makes it a voter. */
  void addVoter(int node) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    QuorumInfo.ReplicaState observer;
    while ((observer = caughtUpObserver(quorum(), node)) == null) {
      if (System.nanoTime() > deadline) {
        QuorumInfo q = quorum();
        throw new Refused("node=" + node + " reason=not-a-caught-up-observer observers=" + ids(q.observers())
            + " hint=start-it-with-cluster.bootstrap");
      }
      Thread.sleep(500);
    }
    Node address = clusterNode(node);
    admin.addRaftVoter(node, observer.replicaDirectoryId(), Set.of(new RaftVoterEndpoint("PLAINTEXT",
        address.host(), address.port()))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    out.println("node=" + node + " action=voter-added voters=" + ids(quorum().voters()));
  }

  /** Node N as a caught-up observer of {@code q}, or null; refused at once when N is a voter already. */
  private static QuorumInfo.ReplicaState caughtUpObserver(QuorumInfo q, int node) throws Refused {
    if (q.voters().stream().anyMatch(v -> v.replicaId() == node)) {
      throw new Refused("node=" + node + " reason=already-a-voter voters=" + ids(q.voters()));
    }
    return q.observers().stream().filter(o -> o.replicaId() == node && o.logEndOffset() >= q.highWatermark())
        .findFirst().orElse(null);
  }

  /** Removes node N from the metadata group's voters; refused for the last voter (the cluster answers so too). */
  void removeVoter(int node) throws Exception {
    QuorumInfo q = quorum();
    QuorumInfo.ReplicaState voter = q.voters().stream().filter(v -> v.replicaId() == node).findFirst()
        .orElseThrow(() -> new Refused("node=" + node + " reason=not-a-voter voters=" + ids(q.voters())));
    if (q.voters().size() == 1) {
      throw new Refused("node=" + node + " reason=last-voter voters=" + ids(q.voters()));
    }
    admin.removeRaftVoter(node, voter.replicaDirectoryId()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    out.println("node=" + node + " action=voter-removed voters=" + ids(quorum().voters()));
  }

  /**
   * Moves every partition replica off node N (each to the reachable node with fewest replicas that the partition
   * does not use yet), waits until no move is left and no partition names N, then removes N from the metadata
   * voters. Refused before anything moves when a partition has no node to go to, N is the last metadata voter, or
   * a group (the metadata group, a partition's target replicas) would not have a majority of its voters up.
   */
  void decommission(int node) throws Exception {
    List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    if (nodes.stream().noneMatch(n -> n.id() == node)) {
      throw new Refused("node=" + node + " reason=not-a-node-of-the-cluster");
    }
    QuorumInfo q = quorum();
    boolean voter = q.voters().stream().anyMatch(v -> v.replicaId() == node);
    if (voter && q.voters().size() == 1) {
      throw new Refused("node=" + node + " reason=last-metadata-voter voters=" + ids(q.voters()));
    }
    Set<Integer> up = new java.util.TreeSet<>();
    nodes.stream().filter(Membership::reachable).forEach(n -> up.add(n.id()));
    if (voter) {
      List<Integer> rest = ids(q.voters()).stream().filter(v -> v != node).toList();
      refuseWithoutQuorum("group=metadata", rest, up, node);
    }
    Map<TopicPartition, Optional<NewPartitionReassignment>> moves = plan(node, nodes, up);
    if (!moves.isEmpty()) {
      admin.alterPartitionReassignments(moves).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    out.println("node=" + node + " action=moves-started partitions=" + moves.size());
    awaitNoReplicaOn(node);
    out.println("node=" + node + " action=replicas-moved-off");
    if (voter) {
      removeVoter(node);
    }
    out.println("node=" + node + " action=decommissioned hint=stop-the-node-then-unregister-it");
  }

  /**
   * Takes a stopped, decommissioned node out of the cluster for good (UnregisterBroker): it is no longer a
   * metadata learner the leader sends to, a peer, listed to clients, or a place for new partitions. The cluster
   * refuses a running node, a voter and a node that still holds replicas (the reason on stderr).
   */
  void unregister(int node) throws Exception {
    admin.unregisterBroker(node).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    out.println("node=" + node + " action=unregistered nodes=" + admin.describeCluster().nodes()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream().map(Node::id).sorted().toList());
  }

  /** The group's voters after the change must have a majority up, or it could commit nothing once N is gone. */
  private static void refuseWithoutQuorum(String group, List<Integer> after, Set<Integer> up, int node) throws Refused {
    List<Integer> upAfter = after.stream().filter(up::contains).toList();
    int needed = after.size() / 2 + 1;
    if (upAfter.size() < needed) {
      throw new Refused("node=" + node + " " + group + " after=" + after + " up=" + upAfter + " needed=" + needed
          + " reason=would-leave-the-group-without-a-quorum");
    }
  }

  private static boolean reachable(Node n) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(n.host(), n.port()), 2000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** One move per replica on N: to the reachable node with the fewest replicas the partition does not use yet. */
  private Map<TopicPartition, Optional<NewPartitionReassignment>> plan(int node, List<Node> nodes, Set<Integer> up)
      throws Exception {
    Map<Integer, Integer> load = new HashMap<>();
    nodes.stream().filter(n -> up.contains(n.id())).forEach(n -> load.put(n.id(), 0));
    Map<TopicPartition, List<Integer>> hosted = new HashMap<>();
    for (TopicDescription t : topics()) {
      for (TopicPartitionInfo p : t.partitions()) {
        List<Integer> replicas = p.replicas().stream().map(Node::id).toList();
        replicas.stream().filter(load::containsKey).forEach(r -> load.merge(r, 1, Integer::sum));
        if (replicas.contains(node)) {
          hosted.put(new TopicPartition(t.name(), p.partition()), replicas);
        }
      }
    }
    Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
    for (Map.Entry<TopicPartition, List<Integer>> e : hosted.entrySet()) {
      Optional<Integer> to = load.keySet().stream().filter(n -> n != node && !e.getValue().contains(n))
          .min(java.util.Comparator.comparingInt((Integer n) -> load.get(n)).thenComparingInt(n -> n));
      if (to.isEmpty()) {
        throw new Refused("node=" + node + " partition=" + e.getKey() + " replicas=" + e.getValue()
            + " reason=no-node-to-move-to");
      }
      load.merge(to.get(), 1, Integer::sum);
      List<Integer> target = e.getValue().stream().map(r -> r == node ? to.get() : r).toList();
      refuseWithoutQuorum("partition=" + e.getKey(), target, up, node);
      moves.put(e.getKey(), Optional.of(new NewPartitionReassignment(target)));
    }
    return moves;
  }

  private void awaitNoReplicaOn(int node) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean moving = !admin.listPartitionReassignments().reassignments()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
      long left = topics().stream().flatMap(t -> t.partitions().stream())
          .filter(p -> p.replicas().stream().anyMatch(r -> r.id() == node)).count();
      if (!moving && left == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new Refused("node=" + node + " partitionsLeft=" + left + " reason=moves-not-done-in-time");
      }
      Thread.sleep(500);
    }
  }

  private Collection<TopicDescription> topics() throws Exception {
    Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).values();
  }

  private QuorumInfo quorum() throws InterruptedException, ExecutionException, TimeoutException {
    return admin.describeMetadataQuorum().quorumInfo().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Node clusterNode(int id) throws Exception {
    return admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
        .filter(n -> n.id() == id).findFirst().orElseThrow(() -> new Refused("node=" + id
            + " reason=not-a-node-of-the-cluster"));
  }

  private static List<Integer> ids(List<QuorumInfo.ReplicaState> replicas) {
    return replicas.stream().map(QuorumInfo.ReplicaState::replicaId).sorted().toList();
  }

  @Override
  public void close() {
    admin.close();
  }
}
