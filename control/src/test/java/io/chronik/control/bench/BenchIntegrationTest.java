package io.chronik.control.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.cli.ChronikCommand;
import io.chronik.control.cluster.ClusterSpec;
import io.chronik.control.cluster.Distribution;
import io.chronik.control.cluster.LocalCluster;
import io.chronik.control.lab.Prerequisites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chronik bench} against one real broker process, read back from its JSON result. */
@Tag("integration")
class BenchIntegrationTest {
  @TempDir static Path dir;
  private static LocalCluster broker;

  @BeforeAll
  static void startBroker() throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(1);
    broker = LocalCluster.start(ClusterSpec.of(1, dir.resolve("cluster"), Distribution.classPath())
        .withPorts(base, base + 1000).withJavaOpts(List.of("-Xmx512m", "-XX:+UseSerialGC")));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.stop(Duration.ofSeconds(10));
    }
  }

  private static Map<String, Object> bench(String name, String... args) throws Exception {
    Path out = dir.resolve(name + ".json");
    List<String> all = new java.util.ArrayList<>(List.of("bench", "--bootstrap", broker.bootstrap(), "--out", out.toString()));
    all.addAll(List.of(args));
    int exit = ChronikCommand.execute(all.toArray(String[]::new));
    assertThat(out).as("json written (exit %d)", exit).exists();
    Map<String, Object> json = JsonText.object(Files.readString(out, StandardCharsets.UTF_8));
    assertThat(exit).as("exit code; json %s", json).isZero();
    assertThat(json.get("exitCode")).isEqualTo(0.0);
    assertThat(json.get("problems")).isEqualTo(List.of());
    return json;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> json, String key) {
    assertThat(json).containsKey(key);
    return (Map<String, Object>) json.get(key);
  }

  private static void saneLatency(Map<String, Object> latency, double count) {
    double p50 = (double) latency.get("p50");
    double p95 = (double) latency.get("p95");
    double p99 = (double) latency.get("p99");
    double p999 = (double) latency.get("p999");
    double max = (double) latency.get("max");
    assertThat(latency.get("count")).isEqualTo(count);
    assertThat(p50).isPositive();
    assertThat(p50).isLessThanOrEqualTo(p95);
    assertThat(p95).isLessThanOrEqualTo(p99);
    assertThat(p99).isLessThanOrEqualTo(p999);
    assertThat(p999).isLessThanOrEqualTo(max);
    assertThat(max).as("ms; a loopback broker acks within seconds").isLessThan(20_000);
  }

  @Test
  void throttledProduceSendsRateTimesDurationAndEveryRecordIsAcked() throws Exception {
    Map<String, Object> json = bench("produce", "--mode", "produce", "--topic", "bench-produce", "--create-topic",
        "--partitions", "2", "--rate", "2000", "--duration", "3", "--warmup", "1", "--producers", "2");
    assertThat(json.get("mode")).isEqualTo("produce");
    Map<String, Object> p = section(json, "produce");
    assertThat(p.get("records")).as("open loop: exactly rate x duration records").isEqualTo(6000.0);
    assertThat(p.get("acked")).isEqualTo(p.get("records"));
    assertThat(p.get("errors")).isEqualTo(0.0);
    double measured = (double) p.get("measuredRecords");
    assertThat(measured).as("records due in the first second (2000 of them) are warm-up").isEqualTo(4000.0);
    assertThat((double) p.get("recordsPerSecond")).isBetween(1000.0, 3000.0);
    saneLatency(section(p, "latencyMs"), measured);
    assertThat(section(json, "settings").get("acks")).isEqualTo("all");
  }

  @Test
  void e2eReadsBackEveryAckedRecordWithItsLatency() throws Exception {
    Map<String, Object> json = bench("e2e", "--mode", "e2e", "--topic", "bench-e2e", "--rate", "1000",
        "--duration", "3", "--fetch-max-wait-ms", "100");
    Map<String, Object> p = section(json, "produce");
    assertThat(p.get("records")).isEqualTo(3000.0);
    assertThat(p.get("acked")).isEqualTo(p.get("records"));
    Map<String, Object> e = section(json, "e2e");
    assertThat(e.get("consumed")).isEqualTo(p.get("acked"));
    saneLatency(section(e, "latencyMs"), 3000.0);
    saneLatency(section(p, "latencyMs"), 3000.0);

    Map<String, Object> c = section(bench("consume", "--mode", "consume", "--topic", "bench-e2e"), "consume");
    assertThat(c.get("consumed")).as("consume reads the whole topic").isEqualTo(3000.0);
    assertThat(c.get("bytes")).isEqualTo(300_000.0);
    assertThat((double) c.get("recordsPerSecond")).isPositive();
  }
}
