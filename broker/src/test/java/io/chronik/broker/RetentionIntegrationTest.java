package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on a real 3-node cluster with kafka-clients: per-topic retention.bytes / retention.ms set
 * through AdminClient move the log start on every replica, whole segment files disappear from every
 * node's disk, a consumer below the log start is reset to it, nothing at or above it is lost, and the
 * log start stays put across a leader change and a full-cluster restart.
 */
@Tag("integration")
class RetentionIntegrationTest {
  private static final String VALUE_PAD = "x".repeat(200);
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(root, 3, "raft.snapshot.interval.entries=5",
        "log.retention.check.interval.ms=200", "leader.balance.interval.ms=0");
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

  private static long earliest(Admin admin, TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
  }

  /** ListOffsets(earliest) through a consumer, which follows a leader change by refreshing metadata. */
  private static long beginning(TopicPartition tp) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(
        ProduceConsumeTest.consumerProps(cluster.bootstrap(), null))) {
      return c.beginningOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
    }
  }

  private static void produce(String topic, int count, long timestampMs) throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(ProduceConsumeTest.producerProps(cluster.bootstrap()))) {
      for (int i = 0; i < count; i++) { // one Raft entry each
        p.send(new ProducerRecord<>(topic, 0, timestampMs, "k", "v" + VALUE_PAD)).get();
      }
    }
  }

  /** Segment files of {@code topic}'s partition 0 on {@code node}. */
  private static List<String> segments(int node, String topic) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root.resolve("node-" + node).resolve("raft"))) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().endsWith("-" + topic + "-0")).toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().forEach(names::add);
        }
      }
    }
    return names;
  }

  private static void createTopic(Admin admin, String topic, Map<String, String> configs) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(configs))).all().get();
  }

  /** Reads from offset 0 with auto.offset.reset=earliest until the end offset. */
  private static List<ConsumerRecord<String, String>> readFromZero(TopicPartition tp, long end) {
    Properties props = ProduceConsumeTest.consumerProps(cluster.bootstrap(), null);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.assign(List.of(tp));
      c.seek(tp, 0); // below the log start: OFFSET_OUT_OF_RANGE, then the reset
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((got.isEmpty() || got.get(got.size() - 1).offset() < end - 1) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }

  @Test
  void retentionBytesDeletesWholeSegmentsOnEveryReplicaAndTheLogStartSurvivesFailoverAndRestart()
      throws Exception {
    String topic = "sized";
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = admin()) {
      createTopic(admin, topic, Map.of("segment.bytes", "4096"));
      produce(topic, 200, System.currentTimeMillis()); // ~300 bytes per entry: ~15 segments
      for (int node = 0; node < 3; node++) {
        assertThat(segments(node, topic)).as("node %d before", node).hasSizeGreaterThan(10)
            .contains("00000000000000000001.log");
      }
      assertThat(earliest(admin, tp)).isZero();

      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
          new ConfigEntry("retention.bytes", "16384"), AlterConfigOp.OpType.SET)))).all().get();
      long start = eventually("log start moves", Duration.ofSeconds(30), () -> earliest(admin, tp), s -> s > 0);
      // whole segments only, and at least retention.bytes kept: about 16 KiB of ~300-byte entries
      assertThat(start).isBetween(100L, 160L);
      for (int node = 0; node < 3; node++) {
        int n = node;
        List<String> left = eventually("segments deleted on node " + n, Duration.ofSeconds(30),
            () -> segments(n, topic), s -> !s.contains("00000000000000000001.log") && s.size() <= 8);
        assertThat(left).as("node %d after", node).isNotEmpty();
      }
      assertThat(earliest(admin, tp)).as("a stable point: nothing more to delete").isEqualTo(start);

      List<ConsumerRecord<String, String>> got = readFromZero(tp, 200);
      assertThat(got).as("reset to the log start, nothing above it lost").hasSize((int) (200 - start));
      assertThat(got.get(0).offset()).isEqualTo(start);
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).offset()).isEqualTo(start + i);
      }

      int leader = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0)
          .leader().id();
      cluster.kill(leader);
      assertThat(eventually("new leader answers", Duration.ofSeconds(30), () -> beginning(tp), s -> true))
          .as("log start after failover").isEqualTo(start);
      cluster.start(leader);
    }
    for (int node = 0; node < 3; node++) {
      cluster.kill(node);
    }
    cluster.startAll();
    try (Admin admin = admin()) {
      long after = eventually("leader after restart", Duration.ofSeconds(60), () -> beginning(tp), s -> true);
      assertThat(after).as("log start after a full restart").isGreaterThan(0);
      assertThat(readFromZero(tp, 200)).first().satisfies(r -> assertThat(r.offset()).isEqualTo(after));
      for (int node = 0; node < 3; node++) {
        assertThat(segments(node, topic)).as("node %d after restart", node)
            .doesNotContain("00000000000000000001.log");
      }
    }
  }

  @Test
  void retentionMsDeletesOnlySegmentsWhoseNewestRecordIsOlder() throws Exception {
    String topic = "aged";
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = admin()) {
      createTopic(admin, topic, Map.of("segment.bytes", "4096", "retention.ms", "-1"));
      long now = System.currentTimeMillis();
      produce(topic, 60, now - Duration.ofDays(2).toMillis());
      produce(topic, 40, now);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
          new ConfigEntry("retention.ms", Long.toString(Duration.ofDays(1).toMillis())),
          AlterConfigOp.OpType.SET)))).all().get();
      long start = eventually("log start moves", Duration.ofSeconds(30), () -> earliest(admin, tp), s -> s > 0);
      assertThat(start).as("only segments of old records, never a recent one").isBetween(30L, 60L);
      List<ConsumerRecord<String, String>> got = readFromZero(tp, 100);
      assertThat(got.get(0).offset()).isEqualTo(start);
      assertThat(got).hasSize((int) (100 - start));
      assertThat(got.get(got.size() - 1).timestamp()).isGreaterThanOrEqualTo(now);
    }
  }
}
