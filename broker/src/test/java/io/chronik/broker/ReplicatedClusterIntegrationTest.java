package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes on loopback, partitions replicated by Raft. While an idempotent producer
 * sends, each partition leader in turn is killed with SIGKILL and restarted from its disk; every
 * acknowledged record must then be read exactly once, in send order, at contiguous offsets. A node
 * restarted from disk and a node wiped clean must catch up: an acks=all write that needs them (the
 * third node stopped) succeeds only if their log matches the leader's (Raft's log matching).
 */
@Tag("integration")
class ReplicatedClusterIntegrationTest {
  private static final String TOPIC = "chaos";
  private static final int PARTITIONS = 2;

  @TempDir
  Path dir;

  @Test
  void acknowledgedRecordsSurviveLeaderKillsExactlyOnceInOrderAndNodesCatchUp() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 3)) {
      cluster.startAll();
      try (Admin admin = admin(cluster)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
        Map<Integer, List<String>> acked = new ConcurrentHashMap<>();
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(cluster))) {
          int sent = 0;
          for (int round = 0; round < 3; round++) {
            int leader = leaderOf(admin, new TopicPartition(TOPIC, round % PARTITIONS));
            sent = sendFor(producer, sent, Duration.ofMillis(1500), acked, sendError);
            cluster.kill(leader);
            sent = sendFor(producer, sent, Duration.ofMillis(1500), acked, sendError);
            cluster.start(leader);
          }
          sent = sendFor(producer, sent, Duration.ofMillis(1000), acked, sendError);
          producer.flush();
          assertThat(sendError.get()).as("a send failed although the producer retries").isNull();
          int ackedTotal = acked.values().stream().mapToInt(List::size).sum();
          assertThat(ackedTotal).isEqualTo(sent);
        }
        for (int p = 0; p < PARTITIONS; p++) {
          assertExactlyOnceInOrder(cluster, new TopicPartition(TOPIC, p), acked.getOrDefault(p, List.of()));
        }

        // lose a follower's disk, restart it empty, then make the cluster depend on it. It comes back under a
        // new directory id and must rejoin (removed from every group, added back as a learner, caught up,
        // promoted) before it counts anywhere: only then does a write that needs it succeed
        int leader = leaderOf(admin, new TopicPartition(TOPIC, 0));
        int wiped = (leader + 1) % 3;
        int other = (leader + 2) % 3;
        Uuid before = directoryOf(admin, wiped);
        cluster.kill(wiped);
        cluster.wipe(wiped);
        cluster.start(wiped);
        Path metaFile = cluster.dataDir(wiped).resolve(MetaProperties.FILE);
        Uuid after = Eventually.eventually("the restarted node formatted its data dir", Duration.ofSeconds(30),
            () -> java.nio.file.Files.exists(metaFile)
                ? MetaProperties.parse(metaFile, java.nio.file.Files.readString(metaFile)).directoryId() : null,
            id -> id != null);
        assertThat(after).as("a lost disk comes back with a new directory id").isNotEqualTo(before);
        Eventually.eventually("node " + wiped + " rejoined: the survivors finished its rejoin, every node ready, its "
            + "new directory id a voter", Duration.ofSeconds(90),
            () -> cluster.log(other).contains("node=" + wiped + " action=rejoin-finished")
                && rejoined(cluster, admin, wiped, after), done -> done);
        cluster.stop(other);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(cluster))) {
          for (int p = 0; p < PARTITIONS; p++) {
            producer.send(new ProducerRecord<>(TOPIC, p, "k", "after-wipe-" + p)).get(60, TimeUnit.SECONDS);
            acked.computeIfAbsent(p, k -> new ArrayList<>()).add("after-wipe-" + p);
          }
        }
        for (int p = 0; p < PARTITIONS; p++) {
          assertExactlyOnceInOrder(cluster, new TopicPartition(TOPIC, p), acked.get(p));
        }
      }
    }
  }

  @Test
  void committedGroupOffsetsSurviveCoordinatorFailoverAndTheQuorumDescribesTheNewLeader() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 3)) {
      cluster.startAll();
      String group = "failover-group";
      TopicPartition tp = new TopicPartition("offsets", 0);
      try (Admin admin = admin(cluster)) {
        admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(cluster, group))) {
          c.assign(List.of(tp));
          c.commitSync(Map.of(tp, new OffsetAndMetadata(41, "before")), Duration.ofSeconds(30));
          c.commitSync(Map.of(tp, new OffsetAndMetadata(42, "acknowledged")), Duration.ofSeconds(30));
        }
        int coordinator = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS)
            .get(group).coordinator().id();
        // each voter's directory id is the one its data dir's meta.properties holds (the node registered it); a
        // node registers within a round (1 s) of hearing that every member applies registrations, so wait for all
        // three before the kill: the new leader must then still describe the killed voter's
        Map<Integer, org.apache.kafka.common.Uuid> onDisk = new java.util.HashMap<>();
        for (int n = 0; n < 3; n++) {
          onDisk.put(n, MetaProperties.loadOrFormat(cluster.dataDir(n), n).directoryId());
        }
        Eventually.eventually("directory ids registered before the kill", Duration.ofSeconds(30),
            () -> admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS),
            q -> q.voters().stream().allMatch(v -> onDisk.get(v.replicaId()).equals(v.replicaDirectoryId())));
        cluster.kill(coordinator);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(cluster, group))) {
          OffsetAndMetadata committed = c.committed(java.util.Set.of(tp), Duration.ofSeconds(60)).get(tp);
          assertThat(committed.offset()).isEqualTo(42);
          assertThat(committed.metadata()).isEqualTo("acknowledged");
        }
        // the coordinator is the metadata leader: DescribeQuorum (Admin.describeMetadataQuorum) names its successor
        org.apache.kafka.clients.admin.QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo()
            .get(30, TimeUnit.SECONDS);
        assertThat(quorum.leaderId()).isNotEqualTo(coordinator).isBetween(0, 2);
        assertThat(quorum.voters()).extracting(org.apache.kafka.clients.admin.QuorumInfo.ReplicaState::replicaId)
            .containsExactlyInAnyOrder(0, 1, 2);
        assertThat(quorum.highWatermark()).isPositive();
        // end offsets come from the metadata leader (a follower relays the request there); the killed
        // voter's may be unknown (-1) to a leader elected after it died
        for (var voter : quorum.voters()) {
          assertThat(voter.logEndOffset()).satisfiesAnyOf(end -> assertThat(end).isEqualTo(-1L),
              end -> assertThat(end).isGreaterThanOrEqualTo(1L));
        }
        assertThat(quorum.observers()).isEmpty();
        assertThat(quorum.nodes()).containsKeys(0, 1, 2);
        org.apache.kafka.clients.admin.QuorumInfo registered = Eventually.eventually("directory ids still registered",
            Duration.ofSeconds(20), () -> admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS),
            q -> q.voters().stream().allMatch(v -> onDisk.get(v.replicaId()).equals(v.replicaDirectoryId())));
        assertThat(registered.voters()).hasSize(3);
      }
    }
  }

  /** Sends sequential values round-robin over the partitions for {@code duration}; returns the next value. */
  private static int sendFor(KafkaProducer<String, String> producer, int next, Duration duration,
      Map<Integer, List<String>> acked, AtomicReference<Exception> error) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      int partition = next % PARTITIONS;
      String value = "v-" + next;
      producer.send(new ProducerRecord<>(TOPIC, partition, "k", value), (md, e) -> {
        if (e != null) {
          error.compareAndSet(null, e);
        } else {
          // callbacks of one partition run in send order (one I/O thread, ordered batches)
          acked.computeIfAbsent(md.partition(), k -> Collections.synchronizedList(new ArrayList<>())).add(value);
        }
      });
      next++;
      LockSupport.parkNanos(1_000_000);
    }
    return next;
  }

  /** The directory id the metadata quorum registered for {@code node}. */
  private static Uuid directoryOf(Admin admin, int node) throws Exception {
    return admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).voters().stream()
        .filter(v -> v.replicaId() == node).findFirst().orElseThrow().replicaDirectoryId();
  }

  /** Every node answers /ready (no rejoin pending anywhere) and {@code node} is a voter under {@code directory}. */
  private static boolean rejoined(ReplicatedCluster cluster, Admin admin, int node, Uuid directory) throws Exception {
    for (int n = 0; n < cluster.size(); n++) {
      if (AdminHttp.get(cluster.admin(n), "/ready").statusCode() != 200) {
        return false;
      }
    }
    return directoryOf(admin, node).equals(directory);
  }

  private static void assertExactlyOnceInOrder(ReplicatedCluster cluster, TopicPartition tp, List<String> acked) {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(cluster, null))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp), Duration.ofSeconds(60)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (c.position(tp, Duration.ofSeconds(60)) < end && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).records(tp).forEach(records::add);
      }
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).offset()).as("offsets are contiguous").isEqualTo(i);
      values.add(records.get(i).value());
    }
    assertThat(values).as("partition %s holds every value once", tp).doesNotHaveDuplicates();
    assertThat(values).as("every acknowledged value is present, in send order").containsSubsequence(acked);
    assertThat(values).as("nothing but sent values").allMatch(v -> v.startsWith("v-") || v.startsWith("after-wipe-"));
    List<Integer> sequence = values.stream().filter(v -> v.startsWith("v-"))
        .map(v -> Integer.parseInt(v.substring(2))).toList();
    assertThat(sequence).as("send order within the partition").isSorted();
  }

  private static int leaderOf(Admin admin, TopicPartition tp) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      TopicDescription d = admin.describeTopics(List.of(tp.topic())).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(tp.topic());
      if (d.partitions().get(tp.partition()).leader() != null) {
        return d.partitions().get(tp.partition()).leader().id();
      }
      LockSupport.parkNanos(50_000_000);
    }
    throw new AssertionError("no leader for " + tp);
  }

  private static Admin admin(ReplicatedCluster cluster) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()));
  }

  private static Properties producerProps(ReplicatedCluster cluster) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private static Properties consumerProps(ReplicatedCluster cluster, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
