package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.broker.admin.AdminHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition moves (issue #15) on a real 4-process cluster with kafka-clients' Admin: a partition on nodes
 * 0, 1, 2 moves to 3, 1, 2 while an idempotent acks=all producer sends to it; afterwards no move is listed,
 * describeTopics shows the new replicas, node 0's replica directory is gone, node 3 leads once preferred,
 * and every acknowledged record is read back once, in order. Bad requests get Kafka's error codes and
 * change nothing.
 */
@Tag("integration")
class PartitionMoveIntegrationTest {
  private static final String TOPIC = "moves";
  /** Placement puts partition p's group p+1 on nodes (p+1, p+2, p+3) mod 4: partition 3 is on 0, 1, 2. */
  private static final int PARTITIONS = 4;
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // a short warm-up, so the balancer hands the moved partition to its new preferred replica within the test
    cluster = new ReplicatedCluster(root, 4, "leader.balance.warmup.ms=1000",
        // partition snapshots every 10 entries and retention checked often: the compacted topic's log start moves
        "raft.snapshot.interval.entries=10", "log.retention.check.interval.ms=200");
    cluster.startAll();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void aPartitionMovesToTheFourthNodeWhileAProducerSendsAndLosesOrRepeatsNoRecord() throws Exception {
    try (Admin admin = admin()) {
      TopicPartition tp = partitionOn(admin, TOPIC, List.of(0, 1, 2));
      assertThat(partitionDirs(0, tp)).hasSize(1);
      assertThat(partitionDirs(3, tp)).isEmpty();
      List<String> acked = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<Exception> failed = new AtomicReference<>();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread producer = new Thread(() -> produce(tp, producing, acked, failed), "move-test-producer");
      producer.start();
      try {
        Eventually.eventually("records acknowledged before the move", Duration.ofSeconds(30), acked::size,
            n -> n >= 200);
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3, 1, 2)))))
            .all().get(30, TimeUnit.SECONDS);
        Eventually.eventually("the move done: none listed, the new replicas described", Duration.ofSeconds(40),
            () -> List.of(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS).keySet(),
                replicas(describe(admin, tp))),
            state -> ((Set<?>) state.get(0)).isEmpty() && state.get(1).equals(List.of(3, 1, 2)));
        int before = acked.size();
        Eventually.eventually("records acknowledged after the move", Duration.ofSeconds(30), acked::size,
            n -> n >= before + 200);
      } finally {
        producing.set(false);
        producer.join(60_000);
      }
      assertThat(failed.get()).as("every send acknowledged").isNull();

      Eventually.eventually("node 0's replica deleted, node 3's there", Duration.ofSeconds(30),
          () -> List.of(partitionDirs(0, tp).size(), partitionDirs(3, tp).size()), n -> n.equals(List.of(0, 1)));
      Eventually.eventually("node 3, the new preferred replica, leads", Duration.ofSeconds(40),
          () -> preferredLeader(admin, tp), leader -> leader == 3);
      assertThat(consume(tp, acked.size())).as("every acknowledged record once, in order").isEqualTo(acked);

      // restarted, the node that left replays the move and keeps no replica; the one that joined reopens its
      // replica as a voter of the new group, which takes writes without node 0
      cluster.stop(0);
      cluster.stop(3);
      cluster.start(3);
      cluster.start(0);
      List<String> after = new ArrayList<>(acked);
      try (KafkaProducer<String, String> again = producer()) {
        for (int i = 0; i < 20; i++) {
          again.send(new ProducerRecord<>(tp.topic(), tp.partition(), "after" + i, "after-" + i))
              .get(60, TimeUnit.SECONDS);
          after.add("after-" + i);
        }
      }
      assertThat(partitionDirs(0, tp)).as("node 0 after its restart").isEmpty();
      assertThat(partitionDirs(3, tp)).as("node 3 after its restart").hasSize(1);
      assertThat(replicas(describe(admin, tp))).containsExactly(3, 1, 2);
      assertThat(consume(tp, after.size())).as("after the restarts").isEqualTo(after);
    }
  }

  /**
   * The partition's log start moved (retention deleted its first segments) before the move: the new
   * replica cannot catch up by appends and installs the leader's snapshot image, then serves every record
   * from the log start at its offset.
   */
  @Test
  void aReplicaAddedAfterRetentionDeletedTheLogStartCatchesUpBySnapshot() throws Exception {
    String topic = "compacted";
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3).configs(Map.of("segment.bytes", "4096",
          "retention.bytes", "16384")))).all().get(30, TimeUnit.SECONDS);
      TopicPartition tp = partitionOn(admin, topic, List.of(0, 1, 2));
      List<String> acked = new ArrayList<>();
      try (KafkaProducer<String, String> producer = producer()) {
        for (int i = 0; i < 300; i++) {
          String value = "r-" + i + "-" + "x".repeat(200);
          producer.send(new ProducerRecord<>(topic, tp.partition(), "k" + i, value)).get(30, TimeUnit.SECONDS);
          acked.add(value);
        }
      }
      long logStart = Eventually.eventually("retention moved the log start", Duration.ofSeconds(30),
          () -> admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(10, TimeUnit.SECONDS)
              .offset(), offset -> offset > 0);
      double installedBefore = metric(3, "chronik_snapshots_installed_total");

      admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3, 1, 2)))))
          .all().get(30, TimeUnit.SECONDS);
      Eventually.eventually("the move done", Duration.ofSeconds(40),
          () -> List.of(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS).keySet(),
              replicas(describe(admin, tp))),
          state -> ((Set<?>) state.get(0)).isEmpty() && state.get(1).equals(List.of(3, 1, 2)));

      assertThat(metric(3, "chronik_snapshots_installed_total")).as("node 3 installed the leader's image")
          .isGreaterThan(installedBefore);
      Eventually.eventually("node 3 leads", Duration.ofSeconds(40), () -> preferredLeader(admin, tp),
          leader -> leader == 3);
      long startNow = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
          .get(10, TimeUnit.SECONDS).offset();
      assertThat(startNow).as("the log start on the new leader").isGreaterThanOrEqualTo(logStart);
      List<String> expected = acked.subList((int) startNow, acked.size());
      assertThat(consume(tp, expected.size())).as("every record from the log start, at its offset")
          .isEqualTo(expected);
    }
  }

  /**
   * What kafka-reassign-partitions asks besides the moves themselves: --execute prints the rollback
   * assignment with each replica's log dir (DescribeLogDirs on every replica's node), --verify clears the
   * replication throttles on every node and topic of the move (deletes, which are no-ops here).
   */
  @Test
  void theReassignToolsLogDirAndThrottleCallsAreAnswered() throws Exception {
    try (Admin admin = admin()) {
      TopicPartition tp = new TopicPartition(TOPIC, 1);
      List<Integer> replicas = replicas(describe(admin, tp));
      Set<TopicPartitionReplica> asked = new java.util.HashSet<>();
      replicas.forEach(node -> asked.add(new TopicPartitionReplica(tp.topic(), tp.partition(), node)));
      Map<TopicPartitionReplica, DescribeReplicaLogDirsResult.ReplicaLogDirInfo> dirs =
          admin.describeReplicaLogDirs(asked).all().get(30, TimeUnit.SECONDS);
      for (TopicPartitionReplica r : asked) {
        assertThat(dirs.get(r).getCurrentReplicaLogDir()).as("replica %s", r)
            .isEqualTo(cluster.dataDir(r.brokerId()).resolve("raft").toAbsolutePath().toString());
      }
      int elsewhere = java.util.stream.IntStream.range(0, 4).filter(n -> !replicas.contains(n)).findFirst()
          .orElseThrow();
      assertThat(admin.describeLogDirs(List.of(elsewhere)).allDescriptions().get(30, TimeUnit.SECONDS)
          .get(elsewhere).values().iterator().next().replicaInfos()).as("node %d hosts no replica", elsewhere)
          .doesNotContainKey(tp);

      Map<ConfigResource, java.util.Collection<AlterConfigOp>> clear = Map.of(
          new ConfigResource(ConfigResource.Type.BROKER, "0"), List.of(
              new AlterConfigOp(new ConfigEntry("leader.replication.throttled.rate", ""), AlterConfigOp.OpType.DELETE),
              new AlterConfigOp(new ConfigEntry("follower.replication.throttled.rate", ""),
                  AlterConfigOp.OpType.DELETE)),
          new ConfigResource(ConfigResource.Type.TOPIC, TOPIC), List.of(
              new AlterConfigOp(new ConfigEntry("leader.replication.throttled.replicas", ""),
                  AlterConfigOp.OpType.DELETE)));
      admin.incrementalAlterConfigs(clear).all().get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER,
          "0"), List.of(new AlterConfigOp(new ConfigEntry("leader.replication.throttled.rate", "1000"),
              AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS))
          .as("setting a throttle is still refused").hasCauseInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void badMovesGetKafkasErrorCodesAndChangeNothing() throws Exception {
    try (Admin admin = admin()) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      List<Integer> replicasBefore = replicas(describe(admin, tp));
      assertRefused(admin, tp, List.of(1, 2, 7), InvalidReplicaAssignmentException.class, "broker 7");
      assertRefused(admin, tp, List.of(1, 1, 2), InvalidReplicaAssignmentException.class, "more than once");
      assertRefused(admin, new TopicPartition(TOPIC, 99), List.of(1, 2, 3), UnknownTopicOrPartitionException.class,
          "unknown-partition");
      assertRefused(admin, new TopicPartition("no-such-topic", 0), List.of(1, 2, 3),
          UnknownTopicOrPartitionException.class, "unknown-partition");
      assertThatThrownBy(() -> admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all()
          .get(30, TimeUnit.SECONDS)).as("cancelling a move that is not under way")
          .hasCauseInstanceOf(NoReassignmentInProgressException.class);

      assertThat(admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS)).isEmpty();
      assertThat(replicas(describe(admin, tp))).isEqualTo(replicasBefore);
    }
  }

  private static void assertRefused(Admin admin, TopicPartition tp, List<Integer> target,
      Class<? extends Exception> error, String message) {
    assertThatThrownBy(() -> admin.alterPartitionReassignments(
        Map.of(tp, Optional.of(new NewPartitionReassignment(target)))).all().get(30, TimeUnit.SECONDS))
        .as("move of %s to %s", tp, target).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOf(error).hasMessageContaining(message);
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  /** The partition of {@code topic} whose replicas are {@code replicas}, in order. */
  private static TopicPartition partitionOn(Admin admin, String topic, List<Integer> replicas) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    for (TopicPartitionInfo p : d.partitions()) {
      if (replicas(p).equals(replicas)) {
        return new TopicPartition(topic, p.partition());
      }
    }
    throw new AssertionError("replicas=" + replicas + " reason=no-partition-placed-there description=" + d);
  }

  private static TopicPartitionInfo describe(Admin admin, TopicPartition tp) throws Exception {
    return admin.describeTopics(List.of(tp.topic())).allTopicNames().get(30, TimeUnit.SECONDS).get(tp.topic())
        .partitions().get(tp.partition());
  }

  private static List<Integer> replicas(TopicPartitionInfo p) {
    return p.replicas().stream().map(Node::id).toList();
  }

  /** ElectLeaders(PREFERRED) (refused until the preferred replica is ready, or by a node not hosting it), then the leader. */
  private static int preferredLeader(Admin admin, TopicPartition tp) throws Exception {
    try {
      admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
      // the balancer hands it over too, once the replica is warm; the leader below says whether it did
    }
    Node leader = describe(admin, tp).leader();
    return leader == null ? -1 : leader.id();
  }

  private static double metric(int node, String name) throws Exception {
    return AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), name, "");
  }

  private static KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /** Sends values to {@code tp} until told to stop, acks=all and idempotent; records the acknowledged ones in order. */
  private static void produce(TopicPartition tp, AtomicBoolean producing, List<String> acked,
      AtomicReference<Exception> failed) {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; producing.get() && failed.get() == null; i++) {
        String value = "v-" + i;
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k" + i, value), (metadata, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          } else {
            acked.add(value);
          }
        });
        if (i % 50 == 49) {
          producer.flush(); // bounded batches in flight, so "acknowledged" moves in steps the test can wait on
        }
      }
      producer.flush();
    } catch (Exception e) {
      failed.compareAndSet(null, e);
    }
  }

  /** Every record of {@code tp} from the start: polls until {@code expected} came, then once more. */
  private static List<String> consume(TopicPartition tp, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
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

  /** {@code tp}'s replica directories on {@code node}'s disk. */
  private static Set<String> partitionDirs(int node, TopicPartition tp) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(cluster.dataDir(node).resolve("raft"))) {
      dirs.map(d -> d.getFileName().toString())
          .filter(n -> n.matches("p\\d+(i\\d+)?-" + tp.topic() + "-" + tp.partition()))
          .forEach(names::add);
    }
    return names;
  }
}
