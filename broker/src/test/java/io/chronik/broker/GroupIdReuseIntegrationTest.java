package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group ids of deleted topics are reused, safely, on a real 3-node cluster whose {@code raft.groups.max=4}
 * leaves ids 1–3 for partitions: a topic of 3 partitions takes them all, so the next one can only be
 * created on the ids the deleted one gave back. The new topic's groups are new incarnations of the ids
 * (their directories say so), and only its own records are ever read from them, also on a node that was
 * down while the old topic was deleted and the new one created, and that then serves as leader.
 */
@Tag("integration")
class GroupIdReuseIntegrationTest {
  private static final int PARTITIONS = 3;
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(root, 3, "raft.groups.max=4");
    cluster.startAll();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  /** Every test starts with all ids free: whatever an earlier one left is deleted. */
  @BeforeEach
  void deleteTopicsLeft() throws Exception {
    try (Admin admin = admin()) {
      Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (!names.isEmpty()) {
        admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aNewTopicOnTheIdsOfADeletedOneServesOnlyItsOwnRecords() throws Exception {
    try (Admin admin = admin()) {
      create(admin, "first");
      List<String> first = produce("first", 30);
      assertThat(consume("first", first.size())).containsExactlyInAnyOrderElementsOf(first);
      Set<String> firstDirs = partitionDirs(0, "first");
      admin.deleteTopics(List.of("first")).all().get(30, TimeUnit.SECONDS);

      create(admin, "second"); // needs the 3 ids "first" gave back: no other id is left
      List<String> second = produce("second", 20);

      assertThat(consume("second", second.size())).containsExactlyInAnyOrderElementsOf(second);
      for (int node = 0; node < 3; node++) {
        assertThat(partitionDirs(node, "first")).as("node %d: the deleted topic's directories", node).isEmpty();
        assertThat(partitionDirs(node, "second")).as("node %d: same ids, a new incarnation", node)
            .isEqualTo(reincarnated(firstDirs, "first", "second"));
      }
    }
  }

  @Test
  void aNodeDownWhileItsTopicIsDeletedAndTheIdsReusedServesOnlyTheNewRecordsAfterRestart() throws Exception {
    int down = 2;
    try (Admin admin = admin()) {
      create(admin, "before");
      List<String> before = produce("before", 30);
      assertThat(consume("before", before.size())).containsExactlyInAnyOrderElementsOf(before);
      Set<String> beforeDirs = partitionDirs(down, "before");
      assertThat(beforeDirs).hasSize(PARTITIONS);

      cluster.stop(down);
      admin.deleteTopics(List.of("before")).all().get(30, TimeUnit.SECONDS);
      create(admin, "after");
      List<String> after = new ArrayList<>(produce("after", 20));
      assertThat(partitionDirs(down, "before")).as("untouched while the node is down").isEqualTo(beforeDirs);

      cluster.start(down);
      // the restarted node replays the deletion (its directories go) and the creation (new incarnations)
      Set<String> afterDirs = reincarnated(beforeDirs, "before", "after");
      Eventually.eventually("the restarted node's directories", Duration.ofSeconds(30),
          () -> List.of(partitionDirs(down, "before"), partitionDirs(down, "after")),
          dirs -> dirs.get(0).isEmpty() && dirs.get(1).equals(afterDirs));
      // the preferred replica of one partition is the restarted node: the balancer hands it back once the
      // node is warm; asking for preferred leaders (retried until it is caught up) does not wait for that
      Eventually.eventually("a partition led by the restarted node", Duration.ofSeconds(60),
          () -> preferredLeaders(admin), leaders -> leaders.contains(down));
      // without node 0, every acks=all write needs the restarted node's copy
      cluster.stop(0);
      try {
        after.addAll(produce("after", 10));
        assertThat(consume("after", after.size())).containsExactlyInAnyOrderElementsOf(after);
      } finally {
        cluster.start(0);
      }
    }
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  private static void create(Admin admin, String topic) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
  }

  /** ElectLeaders(PREFERRED) for "after" (refused while a preferred replica is not caught up), then its leaders. */
  private static List<Integer> preferredLeaders(Admin admin) throws Exception {
    Set<TopicPartition> partitions = new java.util.HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition("after", p));
    }
    try {
      admin.electLeaders(org.apache.kafka.common.ElectionType.PREFERRED, partitions).all().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
      // a partition whose preferred replica is not ready yet, or already led by it: the leaders below say which
    }
    return leaders(admin);
  }

  private static List<Integer> leaders(Admin admin) throws Exception {
    List<Integer> leaders = new ArrayList<>();
    admin.describeTopics(List.of("after")).allTopicNames().get(30, TimeUnit.SECONDS).get("after").partitions()
        .forEach(p -> leaders.add(p.leader() == null ? -1 : p.leader().id()));
    return leaders;
  }

  /** Sends {@code count} records round-robin over the partitions, acks=all; returns their values. */
  private static List<String> produce(String topic, int count) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    List<String> values = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        String value = topic + "-" + System.nanoTime() + "-" + i;
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, value)).get(60, TimeUnit.SECONDS);
        values.add(value);
      }
    }
    return values;
  }

  /**
   * Every record of {@code topic} from the start of each partition: polls until {@code expected} came,
   * then once more, so a record too many would show.
   */
  private static List<String> consume(String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
        values.add(r.value());
      }
    }
    return values;
  }

  /** Names of node {@code node}'s partition directories of {@code topic}. */
  private static Set<String> partitionDirs(int node, String topic) throws IOException {
    Set<String> names = new TreeSet<>();
    Path raft = cluster.dataDir(node).resolve("raft");
    try (Stream<Path> dirs = Files.list(raft)) {
      dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("p\\d+(i\\d+)?-" + topic + "-\\d+"))
          .forEach(names::add);
    }
    return names;
  }

  /** The directory names {@code dirs} of {@code from} would have as the next incarnation of {@code to}. */
  private static Set<String> reincarnated(Set<String> dirs, String from, String to) {
    Set<String> names = new TreeSet<>();
    for (String d : dirs) {
      String head = d.substring(1, d.indexOf('-'));
      int i = head.indexOf('i');
      int groupId = Integer.parseInt(i < 0 ? head : head.substring(0, i));
      int incarnation = i < 0 ? 0 : Integer.parseInt(head.substring(i + 1));
      names.add("p" + groupId + "i" + (incarnation + 1) + d.substring(d.indexOf('-')).replace("-" + from + "-",
          "-" + to + "-"));
    }
    return names;
  }
}
