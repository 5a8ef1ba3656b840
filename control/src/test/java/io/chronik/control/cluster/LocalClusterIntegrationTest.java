package io.chronik.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.lab.Prerequisites;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik cluster start/stop} as a user runs them: each command in its own JVM that exits, the
 * brokers living on, reached with the official client, and stopped by a later JVM through the state file.
 */
@Tag("integration")
class LocalClusterIntegrationTest {

  private record Cli(int exitCode, String output) {}

  private static Cli chronik(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", Distribution.classPath(),
        "io.chronik.control.cli.ChronikCommand"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes(); // ends when the CLI JVM exits, not when the brokers do
    boolean exited = p.waitFor(180, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(exited).as("cli exited; output:%n%s", text).isTrue();
    return new Cli(p.exitValue(), text);
  }

  @Test
  void startedClusterOutlivesTheCliServesClientsRefusesASecondStartAndStopsCleanly(@TempDir Path dir) throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(3);
    String[] start = {"cluster", "start", "--nodes", "3", "--dir", dir.toString(), "--base-port", Integer.toString(base),
        "--raft-base-port", Integer.toString(base + 1000), "--java-opts", "-Xmx256m -XX:+UseSerialGC"};
    List<ProcessStamp> brokers = new ArrayList<>();
    try {
      Cli started = chronik(start);
      assertThat(started.exitCode()).as(started.output()).isZero();
      String bootstrap = "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1) + ",127.0.0.1:" + (base + 2);
      assertThat(started.output()).contains("bootstrap.servers=" + bootstrap);
      ClusterState state = ClusterState.read(dir).orElseThrow();
      state.nodes().forEach(n -> brokers.add(n.stamp()));
      assertThat(state.nodes()).hasSize(3).allMatch(ClusterState.Node::isAlive, "alive after the CLI exited");
      for (int i = 0; i < 3; i++) {
        assertThat(Files.readString(dir.resolve("node-" + i).resolve("broker.log")))
            .contains("chronik broker listening port=" + (base + i));
        assertThat(clusterSize("127.0.0.1:" + (base + i))).as("node %d answers Metadata", i).isPositive();
      }
      assertThat(produceAndConsume("127.0.0.1:" + base, 20)).hasSize(20);

      Cli again = chronik(start);
      assertThat(again.exitCode()).as(again.output()).isEqualTo(1);
      assertThat(again.output()).contains("already running, run chronik cluster stop");
      assertThat(chronik("cluster", "status", "--dir", dir.toString()).output())
          .contains("node=2 pid=" + state.nodes().get(2).pid() + " port=" + (base + 2)).contains("alive=true");

      // a rolling restart from another JVM, under a steady idempotent acks=all load: no send fails
      SteadyLoad load = new SteadyLoad(bootstrap);
      Cli rolled = chronik("cluster", "restart", "--rolling", "--dir", dir.toString());
      List<String> acked = load.stop();
      assertThat(rolled.exitCode()).as(rolled.output()).isZero();
      assertThat(rolled.output()).contains("node=0 restartMs=").contains("node=2 restartMs=").contains("restarted=3");
      ClusterState rolledState = ClusterState.read(dir).orElseThrow();
      rolledState.nodes().forEach(n -> brokers.add(n.stamp()));
      for (int i = 0; i < 3; i++) {
        assertThat(rolledState.nodes().get(i).pid()).as("node %d restarted", i).isNotEqualTo(state.nodes().get(i).pid());
      }
      assertThat(load.failures).as("failed sends, first: %s", load.firstFailure).isEmpty();
      assertThat(acked).hasSizeGreaterThan(50);
      assertThat(readAll(bootstrap, SteadyLoad.TOPIC)).as("every acknowledged record once, in order")
          .containsExactlyElementsOf(acked);

      Cli stopped = chronik("cluster", "stop", "--dir", dir.toString());
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
      assertThat(stopped.output()).contains("stopped=3");
      assertThat(ClusterState.file(dir)).doesNotExist();
      assertThat(brokers).noneMatch(ProcessStamp::isAlive);

      Cli twice = chronik("cluster", "stop", "--dir", dir.toString());
      assertThat(twice.exitCode()).as(twice.output()).isZero();
      assertThat(twice.output()).contains("nothing to stop");
      assertThat(chronik("cluster", "status", "--dir", dir.toString()).exitCode()).isEqualTo(3);
    } finally {
      brokers.forEach(ProcessStamp::kill);
    }
  }

  @Test
  void libraryKillsAndRestartsOneNodeOnItsData(@TempDir Path dir) throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(2);
    ClusterSpec spec = ClusterSpec.of(2, dir, Distribution.classPath()).withPorts(base, base + 1000)
        .withJavaOpts(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    LocalCluster cluster = LocalCluster.start(spec);
    try {
      assertThat(cluster.bootstrap()).isEqualTo("127.0.0.1:" + base + ",127.0.0.1:" + (base + 1));
      assertThat(produceAndConsume("127.0.0.1:" + (base + 1), 5)).hasSize(5);
      long before = cluster.pid(1);
      cluster.kill(1);
      assertThat(cluster.isAlive(1)).isFalse();
      assertThat(cluster.isAlive(0)).isTrue();
      long survivor = cluster.pid(0);
      // with node 1 down, node 0 is the last of every group's two voters: a restart is refused, named
      Cli refused = chronik("cluster", "restart", "--node", "0", "--dir", dir.toString());
      assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
      assertThat(refused.output()).contains("node=0 reason=would-leave-groups-without-quorum")
          .contains("group=metadata voters=[0, 1] up-without-node=[] needed=2").contains("--force");
      assertThat(cluster.pid(0)).as("node 0 was not touched").isEqualTo(survivor);
      cluster.restart(1);
      assertThat(cluster.pid(1)).isNotEqualTo(before);
      assertThat(cluster.isAlive(1)).isTrue();
      assertThat(ClusterState.read(dir).orElseThrow().nodes().get(1).pid()).isEqualTo(cluster.pid(1));
      // a second produce on the same topic appends after the first five: the node restarted on its data
      assertThat(produceAndConsume("127.0.0.1:" + (base + 1), 5)).hasSize(10);
    } finally {
      cluster.stop(Duration.ofSeconds(10));
    }
    assertThat(ClusterState.file(dir)).doesNotExist();
    assertThat(cluster.isAlive(0)).isFalse();
    assertThat(cluster.isAlive(1)).isFalse();
  }

  @Test
  void aNodeThatCannotStartIsNamedWithItsLogAndNothingIsLeftRunning(@TempDir Path dir) throws Exception {
    Prerequisites.require(Distribution.brokerPackaged(), "broker jar not packaged yet: run through 'mvn verify'");
    int base = Distribution.freePortBase(2);
    ClusterSpec spec = ClusterSpec.of(2, dir, Distribution.classPath()).withPorts(base, base + 1000)
        .withJavaOpts(List.of("-Xmx128m", "-XX:+UseSerialGC")).withSettings(List.of("io.threads=0"));
    assertThatThrownBy(() -> LocalCluster.start(spec)).isInstanceOf(ClusterException.class)
        .hasMessageContaining("node=0").hasMessageContaining("reason=exited during start")
        .hasMessageContaining("log=" + dir.resolve("node-0").resolve("broker.log"))
        .hasMessageContaining("key=io.threads");
    assertThat(ClusterState.file(dir)).as("a failed start leaves no state behind").doesNotExist();
    assertThat(LocalCluster.isFree(base)).isTrue();
    assertThat(LocalCluster.isFree(base + 1)).as("node 1 was stopped too").isTrue();
  }

  /**
   * One idempotent acks=all producer with default timeouts sending v0, v1, … (one partition) until stopped, one
   * record every 10 ms tick of a fixed-rate schedule.
   */
  private static final class SteadyLoad {
    static final String TOPIC = "rolling";
    final java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
    volatile String firstFailure = "";
    private final List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final KafkaProducer<String, String> producer;
    private final java.util.concurrent.ScheduledExecutorService ticks =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "steady-load"));
    private int next; // tick thread only

    SteadyLoad(String bootstrap) {
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
      ticks.scheduleAtFixedRate(this::sendNext, 0, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void sendNext() {
      String value = "v" + next++;
      try {
        producer.send(new ProducerRecord<>(TOPIC, 0, null, value), (md, e) -> {
          if (e == null) {
            acked.add(value);
          } else {
            failures.add(value);
            firstFailure = e.toString();
          }
        });
      } catch (RuntimeException e) { // a throwing task would cancel the schedule silently
        failures.add(value);
        firstFailure = e.toString();
      }
    }

    /** Stops sending, waits for every outstanding send's answer; the acknowledged values in send order. */
    List<String> stop() throws InterruptedException {
      ticks.shutdown();
      assertThat(ticks.awaitTermination(180, java.util.concurrent.TimeUnit.SECONDS)).as("last tick ended").isTrue();
      producer.close(); // flushes: every outstanding send is answered before it returns
      synchronized (acked) {
        List<String> inOrder = new ArrayList<>(acked);
        inOrder.sort(java.util.Comparator.comparingInt(v -> Integer.parseInt(v.substring(1))));
        return inOrder;
      }
    }
  }

  private static List<String> readAll(String bootstrap, String topic) {
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long end = consumer.endOffsets(parts).get(parts.get(0));
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (consumer.position(parts.get(0)) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  private static int clusterSize(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
    }
  }

  /** Sends {@code count} records to topic "smoke" through {@code bootstrap}, then reads the whole topic back. */
  private static List<String> produceAndConsume(String bootstrap, int count) throws Exception {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>("smoke", "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor("smoke").stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long end = consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
      List<String> values = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values.stream().collect(Collectors.toList());
    }
  }
}
