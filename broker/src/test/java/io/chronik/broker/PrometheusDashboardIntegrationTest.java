package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus} binary, started here on a free loopback port with its
 * own config and storage, never the package's service) scrapes a real 3-node cluster; every PromQL
 * expression of docs/operations/grafana-dashboard.json must return at least one series. Missing
 * Prometheus skips locally and fails in CI (CI=true).
 */
@Tag("integration")
class PrometheusDashboardIntegrationTest {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Path DASHBOARD = Path.of("..", "docs", "operations", "grafana-dashboard.json");
  private static final Pattern EXPR = Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"");

  @TempDir
  Path dir;

  @Test
  void everyDashboardExpressionReturnsSeriesFromAScrapedCluster() throws Exception {
    boolean present = Files.isExecutable(PROMETHEUS);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("prometheus not installed at " + PROMETHEUS + ": .ci/run installs the Debian package");
    }
    Assumptions.assumeTrue(present, "prometheus not installed (apt-get install prometheus)");
    List<String> expressions = expressions(Files.readString(DASHBOARD));
    assertThat(expressions).hasSizeGreaterThan(10);
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir.resolve("cluster"), 3)) {
      cluster.startAll();
      Process prometheus = startPrometheus(cluster);
      try {
        int port = prometheusPort;
        awaitReady(port);
        traffic(cluster);
        List<String> empty = new ArrayList<>(expressions);
        try {
          Eventually.eventually("every dashboard expression has a series", Duration.ofSeconds(60), () -> {
            empty.removeIf(e -> hasSeries(port, e));
            return List.copyOf(empty);
          }, List::isEmpty);
        } catch (AssertionError timedOut) {
          // the assertion below names what stayed empty
        }
        assertThat(empty).as("dashboard expressions without any series").isEmpty();
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  private int prometheusPort;

  private Process startPrometheus(ReplicatedCluster cluster) throws IOException {
    prometheusPort = freePort();
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      targets.add("'" + URI.create(cluster.admin(i)).getAuthority() + "'");
    }
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        + "scrape_configs:\n  - job_name: chronik\n    scrape_timeout: 1s\n    static_configs:\n"
        + "      - targets: [" + String.join(", ", targets) + "]\n");
    return new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
  }

  private void awaitReady(int port) throws Exception {
    try {
      Eventually.eventually("prometheus scrapes 3 targets", Duration.ofSeconds(30),
          () -> hasSeries(port, "count(up{job=\"chronik\"} == 1) == 3"), scraped -> scraped);
    } catch (AssertionError timedOut) {
      throw new AssertionError("prometheus did not scrape 3 targets; log=" + Files.readString(dir.resolve("prometheus.log")),
          timedOut);
    }
  }

  /** Records produced and consumed by a committing group (so lag and fetch series exist). */
  private static void traffic(ReplicatedCluster cluster) throws Exception {
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic("dash", 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < 500; i++) {
        producer.send(new ProducerRecord<>("dash", "k" + i, "v" + i));
      }
      producer.flush();
    }
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "dash-readers");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.subscribe(List.of("dash"));
      int read = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read == 0 && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(500)).count();
      }
      consumer.commitSync(); // part of the records: the group has lag on some partition
    }
  }

  private static boolean hasSeries(int port, String expression) {
    try {
      String body = AdminHttp.get("http://127.0.0.1:" + port, "/api/v1/query?query="
          + URLEncoder.encode(expression, StandardCharsets.UTF_8)).body();
      return body.contains("\"status\":\"success\"") && !body.contains("\"result\":[]");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static List<String> expressions(String dashboard) {
    List<String> out = new ArrayList<>();
    Matcher m = EXPR.matcher(dashboard);
    while (m.find()) {
      out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return out;
  }

  private static int freePort() throws IOException {
    return LoopbackPorts.take();
  }
}
