package io.chronik.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.cluster.ClusterSpec;
import io.chronik.control.cluster.Distribution;
import io.chronik.control.cluster.LocalCluster;
import io.chronik.control.lab.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik admin decommission / add-voter / remove-voter} against a real 4-node local cluster while an
 * acks=all producer sends: decommission moves every replica off node 3 and removes it from the metadata voters,
 * add-voter makes it a voter again (it still runs and observes the log), remove-voter of a node that is no voter
 * is refused with its reason and changes nothing, and no send failed; with two of the four nodes down, a
 * decommission that would leave the metadata group without a quorum is refused before anything moves.
 */
@Tag("integration")
class MembershipCommandsIntegrationTest {
  private record Outcome(int exit, String out, String err) {}

  private static Outcome run(MembershipCommands.Base command, String bootstrap, int node) {
    command.bootstrap = bootstrap;
    command.node = node;
    command.timeoutSeconds = 60;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = command.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void decommissionMovesEveryReplicaOffAndRemovesTheVoterWhileProducing(@TempDir Path dir) throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(4);
    ClusterSpec spec = ClusterSpec.of(4, dir, Distribution.classPath()).withPorts(base, base + 1000)
        .withJavaOpts(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    LocalCluster cluster = LocalCluster.start(spec);
    try {
      String bootstrap = cluster.bootstrap();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("spread", 4, (short) 3))).all().get(30, TimeUnit.SECONDS);
        AtomicInteger acked = new AtomicInteger();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Outcome decommissioned;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
          // one send per 25 ms tick, 400 in all, while the decommission runs
          java.util.concurrent.ScheduledExecutorService ticks = java.util.concurrent.Executors
              .newSingleThreadScheduledExecutor();
          java.util.concurrent.CountDownLatch allSent = new java.util.concurrent.CountDownLatch(1);
          AtomicInteger next = new AtomicInteger();
          ticks.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i >= 400 || failed.get() != null) {
              allSent.countDown();
              return;
            }
            producer.send(new ProducerRecord<>("spread", i % 4, "k", "v" + i), (md, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              } else {
                acked.incrementAndGet();
              }
            });
          }, 0, 25, TimeUnit.MILLISECONDS);
          try {
            decommissioned = run(new MembershipCommands.Decommission(), bootstrap, 3);
            allSent.await();
          } finally {
            ticks.shutdownNow();
          }
          producer.flush();
        }
        assertThat(decommissioned.exit()).as(decommissioned.out() + decommissioned.err()).isZero();
        assertThat(decommissioned.out()).contains("node=3 action=replicas-moved-off")
            .contains("node=3 action=voter-removed voters=[0, 1, 2]").contains("node=3 action=decommissioned");
        assertThat(failed.get()).as("a send failed").isNull();
        assertThat(acked.get()).isEqualTo(400);
        assertThat(admin.describeTopics(List.of("spread")).allTopicNames().get(30, TimeUnit.SECONDS).get("spread")
            .partitions()).allSatisfy(p -> assertThat(p.replicas()).extracting(org.apache.kafka.common.Node::id)
                .doesNotContain(3).hasSize(3));
        assertThat(voters(admin)).containsExactly(0, 1, 2);

        Outcome notAVoter = run(new MembershipCommands.RemoveVoter(), bootstrap, 3);
        assertThat(notAVoter.exit()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
        assertThat(notAVoter.err()).contains("node=3 reason=not-a-voter voters=[0, 1, 2]");
        assertThat(voters(admin)).containsExactly(0, 1, 2);

        unregisterOnlyOnceStoppedThenStartAgain(cluster, admin, bootstrap);

        Outcome added = run(new MembershipCommands.AddVoter(), bootstrap, 3);
        assertThat(added.exit()).as(added.out() + added.err()).isZero();
        assertThat(added.out()).contains("node=3 action=voter-added");
        assertThat(voters(admin)).containsExactly(0, 1, 2, 3);
      }

      // two of four voters down: taking node 1 out would leave voters 0, 2, 3 with only 0 up
      cluster.kill(2);
      cluster.kill(3);
      String first = "127.0.0.1:" + cluster.port(0);
      Outcome refused = run(new MembershipCommands.Decommission(), first, 1);
      assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
      assertThat(refused.err()).contains("node=1 group=metadata after=[0, 2, 3] up=[0] needed=2 "
          + "reason=would-leave-the-group-without-a-quorum");
      assertThat(refused.out()).doesNotContain("moves-started");
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, first))) {
        assertThat(voters(admin)).containsExactly(0, 1, 2, 3);
      }
    } finally {
      cluster.stop(Duration.ofSeconds(10));
    }
  }

  /**
   * UnregisterBroker (Kafka's error codes through {@code chronik admin unregister}): refused for a voter and for
   * the running node 3; once 3 is stopped it leaves the cluster — no observer of the metadata group, not listed,
   * no replica of a new topic; a second unregister → BrokerIdNotRegisteredException; started again, it is back.
   */
  private static void unregisterOnlyOnceStoppedThenStartAgain(LocalCluster cluster, Admin admin, String bootstrap)
      throws Exception {
    Outcome voter = run(new MembershipCommands.Unregister(), bootstrap, 0);
    assertThat(voter.exit()).as(voter.out() + voter.err()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
    assertThat(voter.err()).contains("InvalidRequestException").contains("node=0").contains("still-a-metadata-voter");
    Outcome running = run(new MembershipCommands.Unregister(), bootstrap, 3);
    assertThat(running.exit()).as(running.out() + running.err()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
    assertThat(running.err()).contains("node=3").contains("still-running");

    cluster.kill(3);
    Outcome unregistered = Awaits.await("node 3 unregistered once its pings stopped", Duration.ofSeconds(30),
        () -> run(new MembershipCommands.Unregister(), bootstrap, 3), o -> o.exit() == 0);
    assertThat(unregistered.out()).contains("node=3 action=unregistered nodes=[0, 1, 2]");
    assertThat(observers(admin)).doesNotContain(3);
    admin.createTopics(List.of(new NewTopic("after-unregister", 8, (short) 3))).all().get(30, TimeUnit.SECONDS);
    assertThat(admin.describeTopics(List.of("after-unregister")).allTopicNames().get(30, TimeUnit.SECONDS)
        .get("after-unregister").partitions()).allSatisfy(p -> assertThat(p.replicas())
            .extracting(org.apache.kafka.common.Node::id).doesNotContain(3));
    Outcome again = run(new MembershipCommands.Unregister(), bootstrap, 3);
    assertThat(again.exit()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
    assertThat(again.err()).contains("BrokerIdNotRegisteredException");

    cluster.restart(3); // registers itself again: an observer the add-voter below can promote
    try {
      Awaits.await("node 3 observes the metadata group again", Duration.ofSeconds(30), () -> observers(admin),
          o -> o.contains(3));
    } catch (AssertionError e) {
      List<String> log = java.nio.file.Files.readAllLines(cluster.log(3));
      throw new AssertionError(e.getMessage() + "\nnode 3 log tail:\n"
          + String.join("\n", log.subList(Math.max(0, log.size() - 60), log.size())), e);
    }
  }

  private static List<Integer> observers(Admin admin) throws Exception {
    QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
    return q.observers().stream().map(QuorumInfo.ReplicaState::replicaId).sorted().toList();
  }

  private static List<Integer> voters(Admin admin) throws Exception {
    QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
    return q.voters().stream().map(QuorumInfo.ReplicaState::replicaId).sorted().toList();
  }

  private static Map<String, Object> producerProps(String bootstrap) {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
  }
}
