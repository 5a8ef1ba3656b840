package io.chronik.control.run;

import io.chronik.control.workload.QueueWorkload;
import io.chronik.control.workload.RegisterWorkload;
import io.chronik.control.workload.Workload;
import io.chronik.verifier.recorder.HistoryRecorder;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** The workload a run's options name, and what it needs before it starts. */
final class Workloads {
  private Workloads() {}

  /** Recorder threads the workload uses. */
  static int concurrency(RunOptions o) {
    return o.workload.equals("register") ? RegisterWorkload.concurrency(o.clients) : QueueWorkload.concurrency(o.producers);
  }

  static String topic(RunOptions o) {
    return o.workload.equals("register") ? RegisterWorkload.TOPIC : QueueWorkload.TOPIC;
  }

  static int topicPartitions(RunOptions o) {
    return o.workload.equals("register") ? RegisterWorkload.PARTITIONS : o.partitions;
  }

  static Workload create(RunOptions o, String bootstrap, long seed, HistoryRecorder recorder) {
    return o.workload.equals("register")
        ? new RegisterWorkload(bootstrap, o.clients, seed, recorder)
        : new QueueWorkload(bootstrap, o.partitions, o.producers, o.acks, recorder);
  }

  /**
   * Creates the workload's topic. {@code replication} empty leaves the replication factor to the
   * brokers ({@code replication.factor}, 3 capped at the node count).
   */
  static void createTopic(String bootstrap, String topic, int partitions, java.util.Optional<Short> replication)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), replication))).all().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
  }
}
