package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair from peers on a real 3-node cluster (4 KiB segments): the partition's preferred replica is
 * killed, one byte in the middle of its oldest (closed) segment is flipped, and more records are
 * written while it is down. Restarted, it names the damage in its log, cuts the log there, is refilled by
 * the leader (its repair floor file goes away once it is durable that far), and once it leads again it
 * serves every record at its offset with its value: the damaged bytes are never served.
 */
@Tag("integration")
class RepairFromPeersIntegrationTest {
  private static final String TOPIC = "mended";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final int BEFORE = 200;
  private static final int WHILE_DOWN = 50;
  private static final String VALUE_PAD = "x".repeat(200);
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(root, 3, "leader.balance.interval.ms=0");
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

  private static TopicPartitionInfo describe(Admin admin) throws Exception {
    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(0);
  }

  private static Path partitionDir(int node) throws IOException {
    try (Stream<Path> dirs = Files.list(cluster.dataDir(node).resolve("raft"))) {
      return dirs.filter(d -> d.getFileName().toString().endsWith("-" + TOPIC + "-0")).findFirst().orElseThrow();
    }
  }

  /** Inverts the byte in the middle of the directory's oldest segment; returns the segment's name. */
  private static String flipByteInOldestSegment(Path dir) throws IOException {
    Path oldest;
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
      assertThat(segments).as("closed segments to damage").hasSizeGreaterThan(3);
      oldest = segments.get(0);
    }
    try (FileChannel channel = FileChannel.open(oldest, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      long at = channel.size() / 2;
      channel.read(one, at);
      one.put(0, (byte) ~one.get(0)).rewind();
      channel.write(one, at);
      channel.force(true);
    }
    return oldest.getFileName().toString();
  }

  private static void send(int from, int count) throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(ProduceConsumeTest.producerProps(cluster.bootstrap()))) {
      for (int i = from; i < from + count; i++) { // one Raft entry each, ~300 bytes: ~14 entries a segment
        p.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + i + VALUE_PAD)).get();
      }
    }
  }

  @Test
  void aReplicaWithAFlippedByteInAClosedSegmentIsCutThereRefilledByTheLeaderAndServesEveryRecord() throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("segment.bytes", "4096"))))
          .all().get();
      int damaged = describe(admin).replicas().get(0).id();
      send(0, BEFORE);
      eventually("every replica holds the records", Duration.ofSeconds(30),
          () -> describe(admin).isr().size(), n -> n == 3);

      cluster.kill(damaged);
      Path dir = partitionDir(damaged);
      String segment = flipByteInOldestSegment(dir);
      send(BEFORE, WHILE_DOWN);

      cluster.start(damaged);
      eventually("the damage is named and repaired", Duration.ofSeconds(30), () -> cluster.log(damaged),
          l -> l.contains("action=repair-from-peers"));
      String line = cluster.log(damaged).lines().filter(l -> l.contains("action=repair-from-peers")).findFirst()
          .orElseThrow();
      assertThat(line).contains("group=" + dir.getFileName()).contains("segment=" + segment)
          .containsPattern("reason=(crc-mismatch|bad-length|torn-record|index-mismatch|term-regression) ");
      eventually("refilled by the leader: the repair floor is gone", Duration.ofSeconds(30),
          () -> Files.exists(dir.resolve("repair-floor")), exists -> !exists);

      eventually("the repaired replica leads again", Duration.ofSeconds(60), () -> {
        Optional<Throwable> r = admin.electLeaders(ElectionType.PREFERRED, Set.of(TP)).partitions().get().get(TP);
        return r.isEmpty() || r.get() instanceof ElectionNotNeededException ? describe(admin).leader().id() : -1;
      }, l -> l == damaged);
      List<ConsumerRecord<String, String>> got = readFromZero(BEFORE + WHILE_DOWN);
      assertThat(got).hasSize(BEFORE + WHILE_DOWN);
      for (ConsumerRecord<String, String> r : got) {
        assertThat(r.value()).as("offset %d", r.offset()).isEqualTo("v" + r.offset() + VALUE_PAD);
      }
    }
  }

  /** Reads from offset 0 until offset {@code end - 1}. */
  private static List<ConsumerRecord<String, String>> readFromZero(long end) {
    Properties props = ProduceConsumeTest.consumerProps(cluster.bootstrap(), null);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.assign(List.of(TP));
      c.seek(TP, 0);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((got.isEmpty() || got.get(got.size() - 1).offset() < end - 1) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }
}
