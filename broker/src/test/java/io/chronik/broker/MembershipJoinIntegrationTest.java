package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster; a 4th process starts knowing only node 0's address ({@code cluster.bootstrap}) and its own,
 * no other node's config changes. It registers, becomes an observer of the metadata group, catches up, and
 * {@code Admin.addRaftVoter} makes it the fourth voter (DescribeQuorum shows its directory id); a partition moves
 * onto it while a producer sends; a stop and start of all four keeps four voters (from the metadata log).
 */
@Tag("integration")
class MembershipJoinIntegrationTest {
  private static final String TOPIC = "joined";

  @TempDir
  Path dir;

  @Test
  void aNodeJoinsByBootstrapBecomesAVoterTakesAPartitionAndStaysAfterARestartOfEveryNode() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 4).joining(3)) {
      for (int n = 0; n < 3; n++) {
        cluster.start(n);
      }
      String seeds = "127.0.0.1:" + cluster.kafkaPort(0) + ",127.0.0.1:" + cluster.kafkaPort(1);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, seeds))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        produce(seeds, "before-join");
        cluster.start(3);
        Uuid joined = MetaProperties.loadOrFormat(cluster.dataDir(3), 3).directoryId();
        quorum(admin, "node 3 observes and caught up", q -> q.observers().stream().anyMatch(o -> o.replicaId() == 3
            && joined.equals(o.replicaDirectoryId()) && o.logEndOffset() >= q.highWatermark()));
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
            .containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).nodes().get(3).endpoints())
            .as("a later joiner dials node 3 from here").contains(new RaftVoterEndpoint("CHRONIK_RAFT", "127.0.0.1",
                cluster.raftPort(3)));

        admin.addRaftVoter(3, joined, Set.of(new RaftVoterEndpoint("PLAINTEXT", "127.0.0.1", cluster.kafkaPort(3))))
            .all().get(30, TimeUnit.SECONDS);
        Map<Integer, Uuid> dirs = new HashMap<>();
        for (int n = 0; n < 4; n++) {
          dirs.put(n, MetaProperties.loadOrFormat(cluster.dataDir(n), n).directoryId());
        }
        quorum(admin, "four voters with their directory ids", q -> voters(q).equals(Set.of(0, 1, 2, 3))
            && q.voters().stream().allMatch(v -> dirs.get(v.replicaId()).equals(v.replicaDirectoryId())));

        TopicPartition tp = new TopicPartition(TOPIC, 0);
        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3, 1, 2)))))
            .all().get(30, TimeUnit.SECONDS);
        produce(seeds, "during-move");
        Eventually.eventually("partition on 3, 1, 2", Duration.ofSeconds(30), () -> replicas(admin),
            r -> r.equals(List.of(3, 1, 2)));
        produce(seeds, "after-move");
      }

      for (int n = 0; n < 4; n++) {
        cluster.stop(n);
      }
      for (int n = 0; n < 4; n++) {
        cluster.start(n);
      }
      String all = cluster.bootstrap();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, all))) {
        quorum(admin, "four voters after a restart of every node", q -> voters(q).equals(Set.of(0, 1, 2, 3))
            && q.leaderId() >= 0);
        assertThat(replicas(admin)).containsExactly(3, 1, 2);
        produce(all, "after-restart");

        // a founding voter leaves while a producer sends; the joined node stays a voter
        Uuid dir0 = MetaProperties.loadOrFormat(cluster.dataDir(0), 0).directoryId();
        Thread sender = new Thread(() -> {
          try {
            for (int i = 0; i < 5; i++) {
              produce(all, "while-removing-" + i);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        java.util.concurrent.atomic.AtomicReference<Throwable> sendFailed = new java.util.concurrent.atomic.AtomicReference<>();
        sender.setUncaughtExceptionHandler((t, e) -> sendFailed.set(e));
        sender.start();
        admin.removeRaftVoter(0, dir0).all().get(30, TimeUnit.SECONDS);
        sender.join();
        assertThat(sendFailed.get()).as("a send failed while node 0 left the voters").isNull();
        quorum(admin, "node 0 removed, node 3 still votes", q -> voters(q).equals(Set.of(1, 2, 3)) && q.leaderId() > 0);
      }
    }
  }

  private static List<Integer> replicas(Admin admin) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
    List<Integer> ids = new ArrayList<>();
    d.partitions().get(0).replicas().forEach(n -> ids.add(n.id()));
    return ids;
  }

  private static Set<Integer> voters(QuorumInfo q) {
    Set<Integer> ids = new TreeSet<>();
    q.voters().forEach(v -> ids.add(v.replicaId()));
    return ids;
  }

  private static QuorumInfo quorum(Admin admin, String what, java.util.function.Predicate<QuorumInfo> done)
      throws Exception {
    return Eventually.eventually(what, Duration.ofSeconds(30),
        () -> admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS), done);
  }

  private static void produce(String bootstrap, String value) throws Exception {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>(TOPIC, 0, "k", value)).get(60, TimeUnit.SECONDS);
    }
  }
}
