package io.chronik.control.admin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Takes {@link HealthReport}s of any Kafka-protocol cluster with the official AdminClient (cluster,
 * controller, every topic's partitions) plus a TCP connect to each node the metadata names: brokers
 * keep listing a dead member, so reachability is what tells it is down.
 */
public final class HealthProbe implements AutoCloseable {
  private final Admin admin;
  private final Duration timeout;

  public HealthProbe(String bootstrap, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    this.admin = Admin.create(p);
    this.timeout = timeout;
  }

  public HealthReport take() {
    try {
      DescribeClusterResult cluster = admin.describeCluster();
      Collection<Node> nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Node controller = cluster.controller().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<HealthReport.NodeState> states = new ArrayList<>();
      Map<Integer, Boolean> reachable = new HashMap<>();
      for (Node n : nodes) {
        boolean up = accepts(n.host(), n.port());
        reachable.put(n.id(), up);
        states.add(new HealthReport.NodeState(n.id(), n.host(), n.port(), up));
      }
      states.sort((a, b) -> Integer.compare(a.id(), b.id()));
      Collection<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> leaderless = new ArrayList<>();
      List<String> under = new ArrayList<>();
      int partitions = 0;
      if (!topics.isEmpty()) {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (TopicDescription t : described.values()) {
          for (TopicPartitionInfo p : t.partitions()) {
            partitions++;
            String name = t.name() + "-" + p.partition();
            Node leader = p.leader();
            if (leader == null || leader.isEmpty() || !reachable.getOrDefault(leader.id(), false)) {
              leaderless.add(name);
            }
            boolean replicaDown = p.replicas().stream().anyMatch(r -> !reachable.getOrDefault(r.id(), false));
            if (replicaDown || p.isr().size() < p.replicas().size()) {
              under.add(name);
            }
          }
        }
      }
      leaderless.sort(null);
      under.sort(null);
      return new HealthReport(clusterId == null ? "" : clusterId, states, controller == null || controller.isEmpty()
          ? -1 : controller.id(), partitions, leaderless, under, "");
    } catch (ExecutionException e) {
      return HealthReport.unreachable(e.getCause().getClass().getSimpleName() + ":" + oneLine(e.getCause()));
    } catch (TimeoutException e) {
      return HealthReport.unreachable("timeout-after-ms=" + timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthReport.unreachable("interrupted");
    }
  }

  /**
   * Whether {@code node} may stop now ({@link StopSafety}); empty when it is not a node of the cluster.
   * Throws {@link IllegalStateException} ({@code reason=...}) when the cluster cannot be read.
   */
  public java.util.Optional<StopSafety> stopSafety(int node) {
    try {
      Collection<Node> nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (nodes.stream().noneMatch(n -> n.id() == node)) {
        return java.util.Optional.empty();
      }
      Map<Integer, Boolean> reachable = new HashMap<>();
      for (Node n : nodes) {
        reachable.put(n.id(), accepts(n.host(), n.port()));
      }
      List<Integer> voters = admin.describeMetadataQuorum().quorumInfo().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .voters().stream().map(org.apache.kafka.clients.admin.QuorumInfo.ReplicaState::replicaId).toList();
      Collection<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Collection<TopicDescription> described = topics.isEmpty() ? List.of()
          : admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).values();
      return java.util.Optional.of(StopSafety.judge(node, described, voters, id -> reachable.getOrDefault(id, false)));
    } catch (ExecutionException e) {
      throw new IllegalStateException("reason=" + e.getCause().getClass().getSimpleName() + ":" + oneLine(e.getCause()), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("reason=timeout-after-ms=" + timeout.toMillis(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("reason=interrupted", e);
    }
  }

  private boolean accepts(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.min(timeout.toMillis(), 2000));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() == null ? "" : t.getMessage();
    return m.replaceAll("\\s+", "_");
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
