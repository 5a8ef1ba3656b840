package io.chronik.control.run;

import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.workload.Workload;
import io.chronik.control.workload.WorkloadRegistry;
import io.chronik.control.workload.WorkloadSettings;
import io.chronik.control.workload.WorkloadType;
import io.chronik.verifier.recorder.HistoryRecorder;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** The workload a run's options name (from {@link WorkloadRegistry}), and what it needs before it starts. */
final class Workloads {
  private Workloads() {}

  static WorkloadType type(RunOptions o) {
    return WorkloadRegistry.get(o.workload);
  }

  static WorkloadSettings settings(RunOptions o) {
    return settings(o, java.nio.file.Path.of("."));
  }

  /**
   * The workload's settings for a run writing into {@code runDir}. Its clients run as separate
   * processes when asked ({@code --client-processes}) or when a selected fault kills clients.
   */
  static WorkloadSettings settings(RunOptions o, java.nio.file.Path runDir) {
    return new WorkloadSettings(o.partitions, o.producers, o.clients, o.acks, o.consumers,
        o.consumerMode.equals(RunOptions.SUBSCRIBE), o.clientProcesses(), runDir);
  }

  /** The clients a client fault may draw: those the workload can run as processes. */
  static List<String> processClients(RunOptions o) {
    return type(o).processClients().apply(settings(o));
  }

  /** Recorder threads the workload uses. */
  static int concurrency(RunOptions o) {
    return type(o).concurrency().applyAsInt(settings(o));
  }

  static String topic(RunOptions o) {
    return type(o).topic();
  }

  static int topicPartitions(RunOptions o) {
    return type(o).topicPartitions().applyAsInt(settings(o));
  }

  static Workload create(RunOptions o, String bootstrap, long seed, HistoryRecorder recorder,
      java.nio.file.Path runDir) {
    return type(o).create(bootstrap, seed, recorder, settings(o, runDir));
  }

  /**
   * The configs the workload's topic is created with: what the selected faults need
   * ({@link io.chronik.control.nemesis.Fault#topicConfigs}, in registry order), then the user's
   * {@code --topic-config} over them (an explicit value wins).
   */
  static java.util.Map<String, String> topicConfigs(RunOptions o) {
    java.util.Map<String, String> configs = faultTopicConfigs(o);
    configs.putAll(o.topicConfigOverrides());
    return configs;
  }

  private static java.util.Map<String, String> faultTopicConfigs(RunOptions o) {
    java.util.Map<String, String> configs = new java.util.TreeMap<>();
    FaultRegistry.select(o.faultsOrDefault(), o.site()).forEach(f -> configs.putAll(f.topicConfigs()));
    return configs;
  }

  /** The console line naming the topic's configs and where they came from; null when there are none. */
  static String topicConfigLine(RunOptions o, String topic) {
    java.util.Map<String, String> configs = topicConfigs(o);
    if (configs.isEmpty()) {
      return null;
    }
    boolean faults = !faultTopicConfigs(o).isEmpty();
    boolean given = !o.topicConfigOverrides().isEmpty();
    String from = !given ? "the selected faults" : !faults ? "--topic-config"
        : "the selected faults, --topic-config over them";
    return "chronik test: topic=" + topic + " configs=" + configs + " (from " + from + ")";
  }

  /**
   * Creates the workload's topic with {@code configs}. {@code replication} empty leaves the replication
   * factor to the brokers ({@code replication.factor}, 3 capped at the node count).
   */
  static void createTopic(String bootstrap, String topic, int partitions, java.util.Optional<Short> replication,
      java.util.Map<String, String> configs) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions), replication).configs(configs)))
          .all().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
        throw e;
      }
    }
  }
}
