package io.chronik.control.run;

import io.chronik.control.host.AddressGuard;
import io.chronik.control.host.Host;
import io.chronik.control.nemesis.ClusterMembers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * {@link ClusterMembers} over kafka-clients' Admin against a host cluster: node ids are host positions
 * ({@link HostCluster}), the topic is the workload's. Only the run's bootstrap (checked by the address guard
 * before) is dialled; AddRaftVoter names the node's own guarded address. Every failure is an
 * {@link IllegalStateException} with key=value.
 */
final class AdminClusterMembers implements ClusterMembers, AutoCloseable {
  private static final long ANSWER_SECONDS = 10;
  private final Properties config = new Properties();
  private final String topic;
  private final HostCluster cluster;
  private final AddressGuard guard;
  private Admin admin;

  AdminClusterMembers(String bootstrap, String topic, HostCluster cluster, AddressGuard guard) {
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "9000");
    this.topic = topic;
    this.cluster = cluster;
    this.guard = guard;
  }

  /** Created at the first call: a run without the membership fault opens no admin client for it. */
  private synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(config);
    }
    return admin;
  }

  @Override
  public Map<Integer, List<String>> replicas() {
    TopicDescription d = answer("describe-topic", admin().describeTopics(List.of(topic)).allTopicNames()).get(topic);
    Map<Integer, List<String>> replicas = new TreeMap<>();
    for (TopicPartitionInfo p : d.partitions()) {
      replicas.put(p.partition(), p.replicas().stream().map(n -> name(n.id())).toList());
    }
    return replicas;
  }

  @Override
  public void move(Map<Integer, List<String>> targets) {
    Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new HashMap<>();
    targets.forEach((p, nodes) -> moves.put(new TopicPartition(topic, p),
        Optional.of(new NewPartitionReassignment(nodes.stream().map(cluster::nodeId).toList()))));
    answer("alter-partition-reassignments", admin().alterPartitionReassignments(moves).all());
  }

  @Override
  public Set<Integer> moving() {
    return answer("list-partition-reassignments",
        admin().listPartitionReassignments(new ListPartitionReassignmentsOptions()).reassignments()).keySet().stream()
        .filter(tp -> tp.topic().equals(topic)).map(TopicPartition::partition).collect(Collectors.toSet());
  }

  @Override
  public Quorum quorum() {
    QuorumInfo q = answer("describe-quorum", admin().describeMetadataQuorum().quorumInfo());
    return new Quorum(q.leaderId() < 0 ? "" : name(q.leaderId()), members(q.voters()), members(q.observers()),
        q.highWatermark());
  }

  @Override
  public void removeVoter(String node, String directoryId) {
    answer("remove-voter node=" + node,
        admin().removeRaftVoter(cluster.nodeId(node), Uuid.fromString(directoryId)).all());
  }

  @Override
  public void addVoter(String node, String directoryId) {
    Host host = cluster.hosts().get(cluster.nodeId(node));
    String address = guard.check(host).getHostAddress();
    answer("add-voter node=" + node, admin().addRaftVoter(cluster.nodeId(node), Uuid.fromString(directoryId),
        Set.of(new RaftVoterEndpoint("PLAINTEXT", address, cluster.kafkaPort()))).all());
  }

  private List<Member> members(List<QuorumInfo.ReplicaState> replicas) {
    return replicas.stream().map(r -> new Member(name(r.replicaId()),
        r.replicaDirectoryId() == null || r.replicaDirectoryId().equals(Uuid.ZERO_UUID) ? ""
            : r.replicaDirectoryId().toString(), r.logEndOffset())).toList();
  }

  /** The host name of node {@code id}; a node that joined outside the run's hosts keeps its id. */
  private String name(int id) {
    return cluster.hostOfNode(id).orElse("node-" + id);
  }

  private static <T> T answer(String call, Future<T> future) {
    try {
      return future.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("call=" + call + " reason=interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IllegalStateException("call=" + call + " reason=refused error=" + cause.getClass().getSimpleName()
          + " message=[" + cause.getMessage() + "]", cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("call=" + call + " reason=no-answer waited-s=" + ANSWER_SECONDS, e);
    }
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
