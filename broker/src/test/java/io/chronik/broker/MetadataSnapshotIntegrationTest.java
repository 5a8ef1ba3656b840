package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata group's snapshots on a real 3-node cluster (a snapshot every 20 metadata entries): after
 * several intervals of offset commits every node compacted its metadata log; killed and restarted, every
 * node loads its snapshot plus the tail, and topics, configs, committed offsets and the cluster id are
 * intact. A node down while the leader compacted past its log gets the leader's snapshot
 * (InstallSnapshot) and from it a topic created while it was down.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetadataSnapshotIntegrationTest {
  private static final int INTERVAL = 20;
  private static final String GROUP = "snap-group";
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(root, 3, "metadata.snapshot.interval.entries=" + INTERVAL);
    cluster.startAll();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  private static double metric(int node, String name) throws Exception {
    return AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), name, "");
  }

  /** {@code commits} OffsetCommits (one metadata entry each); returns the last offset per partition. */
  private static Map<TopicPartition, Long> commit(int commits, int base) {
    Map<TopicPartition, Long> last = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(ProduceConsumeTest.consumerProps(cluster.bootstrap(),
        GROUP))) {
      for (int i = 0; i < commits; i++) {
        TopicPartition tp = new TopicPartition("snap-a", i % 3);
        c.commitSync(Map.of(tp, new OffsetAndMetadata(base + i, "m" + i)), Duration.ofSeconds(30));
        last.put(tp, (long) base + i);
      }
    }
    return last;
  }

  private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
        .forEach((tp, o) -> out.put(tp, o.offset()));
    return out;
  }

  @Test
  @Order(1)
  void topicsConfigsOffsetsAndClusterIdSurviveARestartFromCompactedMetadataLogs() throws Exception {
    ConfigResource snapA = new ConfigResource(ConfigResource.Type.TOPIC, "snap-a");
    String clusterId;
    Map<TopicPartition, Long> offsets;
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic("snap-a", 3, (short) 3).configs(Map.of("retention.ms", "123456789")),
          new NewTopic("snap-b", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
      clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
      offsets = commit(5 * INTERVAL, 1000);
      assertThat(committed(admin)).isEqualTo(offsets);
    }
    for (int node = 0; node < 3; node++) {
      int n = node;
      eventually("node " + n + " compacted its metadata log", Duration.ofSeconds(20),
          () -> metric(n, "chronik_metadata_log_first_index"), first -> first > INTERVAL);
      assertThat(metric(n, "chronik_metadata_snapshots_written_total")).isGreaterThanOrEqualTo(3);
    }

    for (int node = 0; node < 3; node++) {
      cluster.kill(node);
    }
    cluster.startAll();
    try (Admin admin = admin()) {
      assertThat(eventually("offsets after restart", Duration.ofSeconds(30), () -> committed(admin),
          o -> !o.isEmpty())).isEqualTo(offsets);
      assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
      assertThat(admin.describeTopics(List.of("snap-a", "snap-b")).allTopicNames().get(30, TimeUnit.SECONDS))
          .hasEntrySatisfying("snap-a", d -> assertThat(d.partitions()).hasSize(3))
          .hasEntrySatisfying("snap-b", d -> assertThat(d.partitions()).hasSize(1));
      assertThat(admin.describeConfigs(List.of(snapA)).all().get(30, TimeUnit.SECONDS).get(snapA)
          .get("retention.ms").value()).isEqualTo("123456789");
    }
    for (int node = 0; node < 3; node++) {
      assertThat(metric(node, "chronik_metadata_opened_from_snapshot")).as("node " + node).isEqualTo(1.0);
      assertThat(metric(node, "chronik_metadata_log_first_index")).as("node " + node).isGreaterThan(1.0);
      assertThat(metric(node, "chronik_partitions")).as("node " + node).isEqualTo(4.0);
    }
  }

  /** Runs after the restart test (or alone): either way the cluster is up. */
  @Test
  @Order(2)
  void aNodeBehindTheCompactedLogGetsTheLeadersSnapshotAndItsTopics() throws Exception {
    int down = 2;
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic("snap-before", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    cluster.kill(down);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic("snap-while-down", 2, (short) 3))).all().get(30, TimeUnit.SECONDS);
      commit(4 * INTERVAL, 5000); // the leader compacts past everything node 2 holds
    }
    cluster.start(down);
    eventually("node " + down + " installed the leader's metadata snapshot", Duration.ofSeconds(30),
        () -> metric(down, "chronik_metadata_snapshots_installed_total"), n -> n >= 1);
    double hosted = metric(0, "chronik_partitions");
    eventually("node " + down + " hosts the topic created while it was down", Duration.ofSeconds(30),
        () -> metric(down, "chronik_partitions"), n -> n == hosted);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(ProduceConsumeTest.consumerProps(cluster.bootstrap(),
        null))) {
      assertThat(c.partitionsFor("snap-while-down", Duration.ofSeconds(30))).hasSize(2);
    }
  }
}
