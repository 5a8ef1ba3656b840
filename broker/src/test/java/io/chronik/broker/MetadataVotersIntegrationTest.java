package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.VoterNotFoundException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes; the metadata group's voters change through kafka-clients' {@code Admin.removeRaftVoter}
 * and {@code addRaftVoter} (KIP-853) while the cluster takes writes: a removed voter stays an observer, is added
 * back once caught up, a removed leader hands off, a restart of every node keeps the voters the log holds, and
 * bad removals (an unknown voter, a wrong directory id, the last voter) get Kafka's VOTER_NOT_FOUND and change
 * nothing.
 */
@Tag("integration")
class MetadataVotersIntegrationTest {
  @TempDir
  Path dir;

  @Test
  void votersChangeByAdminApisSurviveARestartOfEveryNodeAndBadRemovalsChangeNothing() throws Exception {
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, 3)) {
      cluster.startAll();
      Map<Integer, Uuid> dirs = new HashMap<>();
      for (int n = 0; n < 3; n++) {
        dirs.put(n, MetaProperties.loadOrFormat(cluster.dataDir(n), n).directoryId());
      }
      int leader;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("votes", 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        QuorumInfo q = quorum(admin, "three voters registered", i -> voters(i).equals(Set.of(0, 1, 2))
            && i.voters().stream().allMatch(v -> dirs.get(v.replicaId()).equals(v.replicaDirectoryId())));
        leader = q.leaderId();
        int follower = (leader + 1) % 3;

        assertVoterNotFound(admin.removeRaftVoter(7, Uuid.randomUuid()).all());
        assertVoterNotFound(admin.removeRaftVoter(follower, Uuid.randomUuid()).all());
        assertThat(voters(quorum(admin, "unchanged", i -> true))).containsExactlyInAnyOrder(0, 1, 2);

        admin.removeRaftVoter(follower, dirs.get(follower)).all().get(30, TimeUnit.SECONDS);
        QuorumInfo removed = quorum(admin, "follower removed", i -> voters(i).equals(others(follower)));
        assertThat(removed.observers()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(follower);
        produce(cluster, "while-two-voters");

        quorum(admin, "observer caught up", i -> i.observers().stream()
            .anyMatch(o -> o.replicaId() == follower && o.logEndOffset() >= i.highWatermark()));
        admin.addRaftVoter(follower, dirs.get(follower), Set.of(new RaftVoterEndpoint("PLAINTEXT", "127.0.0.1",
            cluster.kafkaPort(follower)))).all().get(30, TimeUnit.SECONDS);
        quorum(admin, "follower added back", i -> voters(i).equals(Set.of(0, 1, 2)) && i.observers().isEmpty());

        int removing = leader;
        admin.removeRaftVoter(removing, dirs.get(removing)).all().get(30, TimeUnit.SECONDS);
        QuorumInfo handedOff = quorum(admin, "leader removed, another leads",
            i -> voters(i).equals(others(removing)) && i.leaderId() != removing && i.leaderId() >= 0);
        assertThat(handedOff.leaderId()).isIn(others(removing));
        produce(cluster, "after-leader-removed");
      }

      for (int n = 0; n < 3; n++) {
        cluster.stop(n);
      }
      cluster.startAll();
      int gone = leader;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        QuorumInfo restarted = quorum(admin, "voters from the log after a restart",
            i -> voters(i).equals(others(gone)) && i.leaderId() >= 0);
        produce(cluster, "after-restart");
        int keep = restarted.leaderId();
        int drop = voters(restarted).stream().filter(v -> v != keep).findFirst().orElseThrow();
        admin.removeRaftVoter(drop, dirsOf(cluster, drop)).all().get(30, TimeUnit.SECONDS);
        quorum(admin, "one voter left", i -> voters(i).equals(Set.of(keep)));
        assertVoterNotFound(admin.removeRaftVoter(keep, dirsOf(cluster, keep)).all());
        assertThat(voters(quorum(admin, "the last voter stays", i -> i.leaderId() == keep))).containsExactly(keep);
      }
    }
  }

  private static Uuid dirsOf(ReplicatedCluster cluster, int node) throws Exception {
    return MetaProperties.loadOrFormat(cluster.dataDir(node), node).directoryId();
  }

  private static Set<Integer> others(int node) {
    Set<Integer> all = new TreeSet<>(Set.of(0, 1, 2));
    all.remove(node);
    return all;
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

  private static void assertVoterNotFound(org.apache.kafka.common.KafkaFuture<Void> result) {
    assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(VoterNotFoundException.class);
  }

  private static void produce(ReplicatedCluster cluster, String value) throws Exception {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      producer.send(new ProducerRecord<>("votes", 0, "k", value)).get(60, TimeUnit.SECONDS);
    }
  }
}
