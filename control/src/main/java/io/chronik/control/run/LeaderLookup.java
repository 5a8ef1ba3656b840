package io.chronik.control.run;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Asks the cluster (Kafka metadata) who leads a partition, for the nemesis's "isolate-leader" shape,
 * and waits until every partition of a topic has a leader (the recovery wait).
 */
final class LeaderLookup implements AutoCloseable {
  private final Admin admin;
  private final HostCluster cluster;

  LeaderLookup(String bootstrap, HostCluster cluster) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    this.admin = Admin.create(p);
    this.cluster = cluster;
  }

  private TopicDescription describe(String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(6, TimeUnit.SECONDS).get(topic);
  }

  /** The host name of the node leading {@code topic}/{@code partition} now. */
  String leaderHost(String topic, int partition) {
    try {
      for (TopicPartitionInfo p : describe(topic).partitions()) {
        if (p.partition() == partition) {
          Node leader = p.leader();
          if (leader == null || leader.isEmpty()) {
            throw new IllegalStateException("topic=" + topic + " partition=" + partition + " reason=no-leader");
          }
          return cluster.hostOfNode(leader.id()).orElseThrow(() -> new IllegalStateException(
              "topic=" + topic + " partition=" + partition + " leader=" + leader.id() + " reason=leader-not-a-cluster-node"));
        }
      }
      throw new IllegalStateException("topic=" + topic + " partition=" + partition + " reason=no-such-partition");
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("topic=" + topic + " reason=metadata-failed error=" + e, e);
    }
  }

  /**
   * The leader's host once there is one, asking every 250 ms for at most {@code wait}: right after a
   * kill or a heal the cluster may still be electing, and a leader-bound fault should hit the leader
   * it elects rather than fail.
   */
  String awaitLeaderHost(String topic, int partition, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        return leaderHost(topic, partition);
      } catch (IllegalStateException e) {
        if (System.nanoTime() >= deadline) {
          throw new IllegalStateException(e.getMessage() + " waited-ms=" + wait.toMillis(), e);
        }
      }
      try {
        TimeUnit.MILLISECONDS.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("topic=" + topic + " partition=" + partition + " reason=interrupted", e);
      }
    }
  }

  /** Waits until each of the topic's {@code partitions} has a leader; throws after {@code timeout}. */
  void await(String topic, int partitions, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        TopicDescription d = describe(topic);
        long led = d.partitions().stream().filter(p -> p.leader() != null && !p.leader().isEmpty()).count();
        if (d.partitions().size() >= partitions && led == d.partitions().size()) {
          return;
        }
        last = "partitions=" + d.partitions().size() + " with-leader=" + led;
      } catch (Exception e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new IllegalStateException("topic=" + topic + " reason=no-leaders-after timeout-ms=" + timeout.toMillis()
        + " last=" + last);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
