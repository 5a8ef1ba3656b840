package io.chronik.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.cluster.ClusterSpec;
import io.chronik.control.cluster.Distribution;
import io.chronik.control.cluster.LocalCluster;
import io.chronik.control.lab.Prerequisites;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik admin health} against a real 3-node local cluster: 0 when healthy, 1 with the dead
 * node and every partition it hosted named while it is down, 0 again once it is back; every node
 * reports one cluster id; {@code safe-to-stop} lets a node go while all are up and names every group
 * another node would take below its quorum while one is down; each node's admin address as {@code chronik cluster} prints it serves /metrics.
 */
@Tag("integration")
class AdminHealthIntegrationTest {
  private static final int PARTITIONS = 4;

  private record Outcome(int exit, String output) {}

  private static Outcome health(String bootstrap, String... flags) throws Exception {
    AdminCommand.Health h = new AdminCommand.Health();
    h.bootstrap = bootstrap;
    h.timeoutSeconds = 60;
    h.intervalSeconds = 1;
    h.requestTimeoutSeconds = 5;
    for (int i = 0; i < flags.length; i++) {
      switch (flags[i]) {
        case "--exit-when-healthy" -> h.exitWhenHealthy = true;
        case "--timeout" -> h.timeoutSeconds = Long.parseLong(flags[++i]);
        default -> throw new IllegalArgumentException(flags[i]);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = h.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new Outcome(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void healthIsZeroWhenHealthyNonZeroWithANodeDownAndZeroAgainAfterItsRestart(@TempDir Path dir) throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(3);
    ClusterSpec spec = ClusterSpec.of(3, dir, Distribution.classPath()).withPorts(base, base + 1000)
        .withJavaOpts(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    LocalCluster cluster = LocalCluster.start(spec);
    try {
      String bootstrap = cluster.bootstrap();
      try (Admin admin = Admin.create(props(bootstrap))) {
        admin.createTopics(List.of(new NewTopic("watched", PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
      }
      Outcome healthy = health(bootstrap, "--exit-when-healthy");
      assertThat(healthy.exit()).as(healthy.output()).isZero();
      assertThat(healthy.output()).contains("healthy=true").contains("node=0 address=127.0.0.1:" + base + " reachable=true")
          .containsPattern("controller=[0-2] nodes=3 partitions=" + PARTITIONS).contains("leaderless=0")
          .contains("under-replicated=0");
      assertOneClusterId(cluster);
      assertAdminAddressesServeMetrics(cluster, base);
      Outcome safe = safeToStop(bootstrap, 1);
      assertThat(safe.exit()).as(safe.output()).isZero();
      assertThat(safe.output()).startsWith("safe-to-stop=true node=1 groups-losing-quorum=0");
      assertThat(safeToStop(bootstrap, 7).exit()).as("not a node of the cluster").isEqualTo(AdminCommand.EXIT_USAGE);

      cluster.kill(2);
      Outcome down = health("127.0.0.1:" + base, "--exit-when-healthy", "--timeout", "3");
      assertThat(down.exit()).as(down.output()).isEqualTo(1);
      assertThat(down.output()).contains("healthy=false").contains("node-down=2")
          .contains("node=2 address=127.0.0.1:" + (base + 2) + " reachable=false")
          .contains("under-replicated=" + PARTITIONS + " partitions=watched-0,watched-1,watched-2,watched-3");
      assertIsrLeavesOut(2, "127.0.0.1:" + base);
      Outcome unsafe = safeToStop("127.0.0.1:" + base, 0);
      assertThat(unsafe.exit()).as(unsafe.output()).isEqualTo(AdminCommand.EXIT_UNHEALTHY);
      assertThat(unsafe.output()).startsWith("safe-to-stop=false node=0 groups-losing-quorum=" + (PARTITIONS + 1))
          .contains("group=metadata voters=[0, 1, 2] up-without-node=[1] needed=2")
          .contains("partition=watched-0 replicas=").contains("partition=watched-3 replicas=");

      cluster.restart(2);
      Outcome back = health(bootstrap, "--exit-when-healthy", "--timeout", "60");
      assertThat(back.exit()).as(back.output()).isZero();
      assertOneClusterId(cluster);
    } finally {
      cluster.stop(Duration.ofSeconds(10));
    }
  }

  private static Outcome safeToStop(String bootstrap, int node) {
    AdminCommand.SafeToStop c = new AdminCommand.SafeToStop();
    c.bootstrap = bootstrap;
    c.node = node;
    c.requestTimeoutSeconds = 10;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = c.run(ps, ps);
    return new Outcome(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anUnreachableBootstrapIsUnhealthyWithTheReason() throws Exception {
    int port = Distribution.freePortBase(1);
    Outcome o = health("127.0.0.1:" + port, "--timeout", "0");
    assertThat(o.exit()).isEqualTo(1);
    assertThat(o.output()).startsWith("healthy=false error=");
  }

  /** Metadata's in-sync replicas leave out a node the others no longer hear (kafka-topics' under-replicated view). */
  private static void assertIsrLeavesOut(int node, String bootstrap) throws Exception {
    List<org.apache.kafka.common.TopicPartitionInfo> parts;
    try (Admin admin = Admin.create(props(bootstrap))) {
      parts = Awaits.await("node " + node + " left out of every in-sync replica list", java.time.Duration.ofSeconds(20),
          () -> admin.describeTopics(List.of("watched")).allTopicNames().get(10, TimeUnit.SECONDS).get("watched")
              .partitions(),
          ps -> ps.stream().noneMatch(p -> p.isr().stream().anyMatch(n -> n.id() == node)));
    }
    assertThat(parts).allSatisfy(p -> {
      assertThat(p.isr()).as("isr of watched-%d", p.partition()).extracting(org.apache.kafka.common.Node::id)
          .doesNotContain(node).hasSize(2);
      assertThat(p.replicas()).as("replicas stay listed").hasSize(3);
    });
  }

  /** Every node reports the same cluster id (each one once it has applied the metadata log's). */
  private static void assertOneClusterId(LocalCluster cluster) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Set<String> ids;
    do {
      ids = new HashSet<>();
      for (int i = 0; i < cluster.size(); i++) {
        try (Admin admin = Admin.create(props("127.0.0.1:" + cluster.port(i)))) {
          ids.add(admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS));
        }
      }
    } while (ids.size() > 1 && System.nanoTime() < deadline);
    assertThat(ids).as("cluster ids reported by the nodes").hasSize(1);
  }

  private static void assertAdminAddressesServeMetrics(LocalCluster cluster, int base) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<String> lines = cluster.describe();
    for (int i = 0; i < cluster.size(); i++) {
      String address = "http://127.0.0.1:" + (base + ClusterSpec.ADMIN_PORT_OFFSET + i);
      assertThat(lines.get(i)).contains("admin=" + address);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(address + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("raft_current_term{node_id=\"" + i + "\"").contains("chronik_partitions_led{");
    }
  }

  private static Properties props(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }
}
