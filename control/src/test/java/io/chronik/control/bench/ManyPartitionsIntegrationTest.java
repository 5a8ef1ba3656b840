package io.chronik.control.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chronik.control.cli.ChronikCommand;
import io.chronik.control.cluster.ClusterSpec;
import io.chronik.control.cluster.Distribution;
import io.chronik.control.cluster.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale cliff stays fixed: on a fresh 3-node cluster, a topic of 1,024 partitions (RF 3) has a
 * leader for every partition within 30 s of its creation, the leaders spread evenly over the nodes,
 * and the cluster keeps serving (a produce run across all partitions acknowledges every record).
 * Before the node-wide hard-state journal, quiescence and bounded loop work, no partition got a
 * leader within 60 s.
 */
@Tag("integration")
class ManyPartitionsIntegrationTest {
  static final int PARTITIONS = 1024;
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(3);
    cluster = LocalCluster.start(ClusterSpec.of(3, dir.resolve("cluster"), Distribution.classPath())
        .withPorts(base, base + 1000).withJavaOpts(List.of("-ea", "-Xmx512m", "-XX:+UseSerialGC")));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.stop(Duration.ofSeconds(20));
    }
  }

  private static Map<String, Object> bench(String name, String... args) throws Exception {
    Path out = dir.resolve(name + ".json");
    List<String> all = new ArrayList<>(List.of("bench", "--out", out.toString()));
    if (!List.of(args).contains("--bootstrap")) {
      all.addAll(List.of("--bootstrap", cluster.bootstrap()));
    }
    all.addAll(List.of(args));
    int exit = ChronikCommand.execute(all.toArray(String[]::new));
    assertThat(out).as("json written (exit %d)", exit).exists();
    Map<String, Object> json = JsonText.object(Files.readString(out, StandardCharsets.UTF_8));
    assertThat(exit).as("exit code; json %s%nbrokers' warnings:%n%s", json, brokerWarnings()).isZero();
    return json;
  }

  /** The last WARN/ERROR lines of every node's log: the temp dir is gone once a failure is read in CI. */
  private static String brokerWarnings() {
    StringBuilder out = new StringBuilder();
    for (int node = 0; node < 3; node++) {
      try {
        List<String> bad = Files.readAllLines(cluster.log(node), StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception") || l.contains("reason="))
            .toList();
        out.append("node ").append(node).append(" (").append(bad.size()).append(" lines):\n");
        bad.subList(Math.max(0, bad.size() - 15), bad.size()).forEach(l -> out.append("  ").append(l).append('\n'));
      } catch (java.io.IOException e) {
        out.append("node ").append(node).append(" log unreadable: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> json, String key) {
    assertThat(json).containsKey(key);
    return (Map<String, Object>) json.get(key);
  }

  @Test
  void aThousandPartitionsAllGetLeadersSpreadEvenlyAndServeProduce() throws Exception {
    Map<String, Object> created = section(bench("create", "--mode", "leaders", "--topic", "wide", "--create-topic",
        "--partitions", String.valueOf(PARTITIONS), "--replication-factor", "3"), "leaders");
    assertThat(created.get("complete")).isEqualTo(true);
    assertThat(created.get("led")).isEqualTo((double) PARTITIONS);
    assertThat((double) created.get("millis")).as("ms from CreateTopics to the last partition led")
        .isLessThan(30_000);

    // preferred-leader balancing corrects whatever a busy creation left uneven, within seconds; each
    // leaders-mode call asks the cluster's metadata afresh, so the loop waits on the condition itself
    double spread = (double) created.get("spread");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Map<String, Object> now = created;
    while (spread > 0.10 && System.nanoTime() < deadline) {
      now = section(bench("spread", "--mode", "leaders", "--topic", "wide"), "leaders");
      spread = (double) now.get("spread");
    }
    assertThat(spread).as("leaders per broker %s", now.get("leadersPerBroker")).isLessThanOrEqualTo(0.10);
    assertThat(section(now, "leadersPerBroker")).hasSize(3);

    Map<String, Object> produced = section(bench("produce", "--topic", "wide", "--rate", "2000", "--duration", "5",
        "--producers", "2"), "produce");
    assertThat(produced.get("records")).isEqualTo(10_000.0);
    assertThat(produced.get("acked")).isEqualTo(produced.get("records"));
    assertThat(produced.get("errors")).isEqualTo(0.0);

    // failover as a connected client sees it: the watcher kills node 1 itself and times from that kill
    String survivors = "127.0.0.1:" + cluster.port(0) + ",127.0.0.1:" + cluster.port(2);
    Map<String, Object> failover = section(bench("failover", "--bootstrap", survivors, "--mode", "leaders",
        "--topic", "wide", "--dead-broker", "1", "--kill-pid", String.valueOf(cluster.pid(1))), "leaders");
    assertThat(cluster.isAlive(1)).as("node 1 killed by --kill-pid").isFalse();
    assertThat(failover.get("complete")).isEqualTo(true);
    assertThat(section(failover, "leadersPerBroker")).containsOnlyKeys("0", "2");
    assertThat((double) failover.get("millis")).as("ms from the kill to every partition led by a live node")
        .isLessThan(30_000);
  }
}
