package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import io.chronik.broker.peer.PeerCodec;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port of a real 3-process cluster: every documented series is there, the values count
 * the truth (records produced, partitions under-replicated while a node is dead), health and
 * readiness answer, and bad requests get 4xx text, never a stack trace. One cluster for the class.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIntegrationTest {
  private static final String TOPIC = "metered";
  private static final int PARTITIONS = 6;
  /** Every series the issue names, by its exposed name (JVM ones stand for the binders). */
  static final List<String> SERIES = List.of("raft_leader_elections_total", "raft_append_entries_total",
      "raft_vote_requests_total", "raft_heartbeats_total", "raft_log_entries", "raft_current_term",
      "raft_commit_index", "chronik_leadership_changes_total", "chronik_partitions", "chronik_partitions_led",
      "chronik_partitions_under_replicated", "chronik_partitions_unavailable", "chronik_follower_lag_entries_max",
      "chronik_partition_follower_lag_entries", "chronik_partition_leader", "chronik_partition_under_replicated",
      "chronik_request_duration_seconds_bucket", "chronik_produce_records_total", "chronik_produce_bytes_total",
      "chronik_fetch_bytes_total", "chronik_fsync_duration_seconds_bucket", "chronik_produce_batch_appends_bucket",
      "chronik_raft_loop_entries_bucket", "chronik_ring_occupied_slots", "chronik_produce_requests_in_flight",
      "chronik_appends_in_flight", "chronik_peer_messages_dropped_total", "chronik_produce_rejections_total",
      "jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "process_files_open_files", "process_cpu_usage",
      "jvm_threads_live_threads", "chronik_fetch_records_total", "chronik_snapshots_written_total",
      "chronik_snapshots_installed_total", "chronik_snapshot_chunks_received_total",
      "chronik_partitions_opened_from_snapshot", "chronik_partitions_catching_up", "chronik_metadata_catching_up",
      "chronik_peer_queue_bytes", "chronik_log_cleaner_segments_cleaned_total",
      "chronik_log_cleaner_bytes_reclaimed_total", "chronik_metadata_snapshots_written_total",
      "chronik_metadata_snapshots_installed_total", "chronik_metadata_snapshot_index",
      "chronik_metadata_log_first_index", "chronik_metadata_opened_from_snapshot");
  /** Small, so a test writes a few snapshots' worth of entries quickly. */
  private static final int SNAPSHOT_INTERVAL_ENTRIES = 40;

  @TempDir
  static Path dir;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(dir, 3, "raft.quiesce=true",
        "raft.snapshot.interval.entries=" + SNAPSHOT_INTERVAL_ENTRIES);
    cluster.startAll();
    try (Admin admin = Admin.create(adminProps())) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 3; i++) {
      int node = i;
      await(Duration.ofSeconds(30), () -> ready(node), "node " + node + " ready");
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeExposesEverySeriesLabelledWithItsNodeId() throws Exception {
    produce(10);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = AdminHttp.get(cluster.admin(i), "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      for (String series : SERIES) {
        assertThat(r.body()).as("node %d series %s", i, series).containsPattern("(?m)^" + series + "\\{");
      }
      assertThat(r.body()).contains("node_id=\"" + i + "\"")
          .contains("raft_current_term{node_id=\"" + i + "\",partition=\"0\",topic=\"__cluster_metadata\"}")
          .contains("topic=\"" + TOPIC + "\"");
      assertThat(AdminHttp.sum(r.body(), "chronik_partitions", "")).isEqualTo(PARTITIONS);
      for (int peer = 0; peer < 3; peer++) {
        assertThat(r.body().contains("chronik_peer_queue_bytes{node_id=\"" + i + "\",peer=\"" + peer + "\"}"))
            .as("node %d queue gauge for peer %d", i, peer).isEqualTo(peer != i);
      }
      assertThat(AdminHttp.get(cluster.admin(i), "/health").body()).isEqualTo("healthy=true\n");
    }
  }

  @Test
  @Order(2)
  void snapshotsWrittenRiseOnceEveryIntervalOfEntriesOnEveryReplica() throws Exception {
    String topic = "snapshotted";
    try (Admin admin = Admin.create(adminProps())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    double[] before = new double[3];
    for (int i = 0; i < 3; i++) {
      before[i] = AdminHttp.sum(metrics(i), "chronik_snapshots_written_total", "");
    }
    // one entry per send (each waits for its ack): 3 intervals of entries plus the leader's no-op
    int entries = 3 * SNAPSHOT_INTERVAL_ENTRIES;
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < entries; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get(30, TimeUnit.SECONDS);
      }
    }
    for (int i = 0; i < 3; i++) {
      int node = i;
      // a replica stores its snapshot on the apply after the one that crossed the interval, so the
      // third may wait for the next entry; more than 3 would mean a snapshot before the interval
      await(Duration.ofSeconds(30), () -> {
        double written = AdminHttp.sum(metrics(node), "chronik_snapshots_written_total", "") - before[node];
        assertThat(written).as("node %d snapshots", node).isLessThanOrEqualTo(3);
        return written >= 2;
      }, "node " + node + " wrote 2-3 snapshots");
      assertThat(AdminHttp.sum(metrics(node), "chronik_snapshots_installed_total", ""))
          .as("no leader compacts its log, so nothing is installed").isZero();
    }
  }

  @Test
  @Order(3)
  void recordsOutCountExactlyTheRecordsAConsumerRead() throws Exception {
    String topic = "consumed";
    try (Admin admin = Admin.create(adminProps())) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    int n = 731;
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
    double before = clusterSum("chronik_fetch_records_total");
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4096"); // several fetches per partition
    int read = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
          new TopicPartition(topic, 2));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (read < n && System.nanoTime() < deadline) {
        read += consumer.poll(Duration.ofMillis(200)).count();
      }
    }
    assertThat(read).isEqualTo(n);
    assertThat(clusterSum("chronik_fetch_records_total") - before).isEqualTo(n);
  }

  @Test
  @Order(4)
  void recordsInRisesByExactlyTheRecordsProduced() throws Exception {
    double before = clusterSum("chronik_produce_records_total");
    double requestsBefore = clusterSum("chronik_request_duration_seconds_count", "api=\"Produce\"");
    int n = 1237;
    produce(n);
    assertThat(clusterSum("chronik_produce_records_total") - before).isEqualTo(n);
    assertThat(clusterSum("chronik_request_duration_seconds_count", "api=\"Produce\"")).isGreaterThan(requestsBefore);
  }

  @Test
  @Order(5)
  void badRequestsGet4xxTextNeverAStackTrace() throws Exception {
    String base = cluster.admin(0);
    HttpResponse<String> missing = AdminHttp.get(base, "/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).startsWith("error=not-found");
    HttpResponse<String> post = AdminHttp.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    int port = URI.create(base).getPort();
    String garbage = AdminHttp.raw(port, "GARBAGE\r\n\r\n");
    assertThat(garbage).startsWith("HTTP/1.1 400");
    String badLength = AdminHttp.raw(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(badLength).startsWith("HTTP/1.1 400");
    String badHeader = AdminHttp.raw(port, "GET /metrics HTTP/1.1\r\nno colon here\r\nConnection: close\r\n\r\n");
    assertThat(badHeader).startsWith("HTTP/1.1 400");
    for (String answer : List.of(missing.body(), post.body(), garbage, badLength, badHeader)) {
      assertThat(answer).doesNotContain("\tat ").doesNotContain("at java.").doesNotContain("at io.chronik");
    }
    assertThat(AdminHttp.get(cluster.admin(1), "/metrics").statusCode()).as("still serving").isEqualTo(200);
  }

  @Test
  @Order(6)
  void aDeadNodeMakesEverySharedPartitionUnderReplicatedUntilItReturns() throws Exception {
    // RF 3 on 3 nodes: every node hosts every partition of every topic the class created
    int hosted = (int) AdminHttp.sum(metrics(0), "chronik_partitions", "");
    double changesBefore = clusterSum(0, 2, "chronik_leadership_changes_total");
    int ledByVictim = (int) AdminHttp.sum(AdminHttp.get(cluster.admin(2), "/metrics").body(),
        "chronik_partitions_led", "");
    cluster.kill(2);
    for (int i = 0; i < 2; i++) {
      int node = i;
      await(Duration.ofSeconds(30), () -> {
        String m = metrics(node);
        return AdminHttp.sum(m, "chronik_partitions_under_replicated", "") == hosted
            && AdminHttp.sum(m, "chronik_partitions_unavailable", "") == 0;
      }, "node " + node + " counts all its partitions under-replicated");
      assertThat(AdminHttp.sum(metrics(node), "chronik_peers_down", "")).isEqualTo(1);
    }
    // the survivors took over every partition the dead node led
    await(Duration.ofSeconds(30), () -> clusterSum(0, 2, "chronik_partitions_led") == hosted, "all led");
    // each partition the dead node led got a new leader, and both survivors learned of it
    assertThat(clusterSum(0, 2, "chronik_leadership_changes_total") - changesBefore)
        .isGreaterThanOrEqualTo(2.0 * ledByVictim);
    produce(500); // a backlog the restarted node must catch up on before it is ready
    cluster.start(2);
    for (int i = 0; i < 3; i++) {
      int node = i;
      await(Duration.ofSeconds(30), () -> AdminHttp.sum(metrics(node), "chronik_partitions_under_replicated", "") == 0,
          "node " + node + " back to 0 under-replicated");
      await(Duration.ofSeconds(30), () -> ready(node), "node " + node + " ready again");
    }
    String restarted = AdminHttp.get(cluster.admin(2), "/ready").body();
    assertThat(restarted).contains("catchingUp=0").contains("metadataCatchingUp=false");
    assertThat(AdminHttp.sum(metrics(2), "chronik_partitions_opened_from_snapshot", ""))
        .as("the snapshotted partition reopened from its snapshot").isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(7)
  void aTakenAdminPortStopsTheStartWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
          () -> BrokerProcess.start(dir.resolve("solo"), 0, "admin.port=" + taken.getLocalPort()));
      assertThat(e.getMessage()).contains("broker exited code=1")
          .contains("cannot start: key=admin.port value=" + taken.getLocalPort())
          .contains("reason=port-in-use").doesNotContain("\tat ");
    }
  }

  /**
   * The catching-up rule end to end on a real node: a peer connection delivers an APPEND for a
   * partition node 2 follows whose commit index is far beyond node 2's log (its entries "not yet
   * arrived"); node 2 takes it as its leader's commit, so it is catching up until it has those
   * entries: /ready answers 503 reason=catching-up and the gauge counts the partition. The APPEND's
   * previous index is beyond node 2's log, so Raft only rejects it (no entry, no commit moves).
   * Last in the class: node 2 keeps hearing that commit until it restarts.
   */
  @Test
  @Order(8)
  void aFollowerToldOfACommitFarAheadOfItsLogIsNotReady() throws Exception {
    String m = metrics(2);
    int partition = -1;
    for (int p = 0; p < PARTITIONS && partition < 0; p++) {
      if (AdminHttp.sum(m, "chronik_partition_leader", "partition=\"" + p + "\",topic=\"" + TOPIC + "\"") == 0) {
        partition = p;
      }
    }
    assertThat(partition).as("node 2 follows some partition").isGreaterThanOrEqualTo(0);
    int leader;
    try (Admin admin = Admin.create(adminProps())) {
      leader = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC)
          .partitions().get(partition).leader().id();
    }
    long term = (long) AdminHttp.sum(m, "raft_current_term", "partition=\"" + partition + "\",topic=\"" + TOPIC + "\"");
    int groupId = groupId(2, TOPIC, partition);
    long far = 1_000_000_000L;
    Message append = Message.of(MessageType.APPEND, leader, 2, term).log(far, term).commit(far).build();
    // a peer connection's Raft messages count only after its ping presented the sender's registered data dir
    // incarnation (docs/MEMBERSHIP.md "A node that lost its disk"): the leader's, from its meta.properties
    Path metaFile = cluster.dataDir(leader).resolve(MetaProperties.FILE);
    org.apache.kafka.common.Uuid dir = MetaProperties.parse(metaFile, java.nio.file.Files.readString(metaFile))
        .directoryId();
    Message ping = Message.of(MessageType.HEARTBEAT, leader, 2, 4) // 4: "applies registrations", as every ping
        .log(dir.getMostSignificantBits(), dir.getLeastSignificantBits()).build();
    ByteBuf frame = PeerCodec.encode(ByteBufAllocator.DEFAULT, List.of(new GroupMessage(-1, ping),
        new GroupMessage(groupId, append)));
    byte[] bytes = new byte[frame.readableBytes()];
    frame.readBytes(bytes);
    frame.release();
    try (Socket peer = new Socket(java.net.InetAddress.getLoopbackAddress(), cluster.raftPort(2))) {
      peer.getOutputStream().write(bytes);
      peer.getOutputStream().flush();
      await(Duration.ofSeconds(30), () -> AdminHttp.get(cluster.admin(2), "/ready").statusCode() == 503,
          "node 2 not ready");
    }
    HttpResponse<String> ready = AdminHttp.get(cluster.admin(2), "/ready");
    assertThat(ready.body()).startsWith("ready=false reason=catching-up").contains("catchingUp=1");
    assertThat(AdminHttp.sum(metrics(2), "chronik_partitions_catching_up", "")).isEqualTo(1);
    assertThat(ready(0)).as("the others are unaffected").isTrue();
  }

  /** The Raft group id of a partition on a node: its storage directory is p<group>-<topic>-<partition>. */
  private static int groupId(int node, String topic, int partition) throws IOException {
    String suffix = "-" + topic + "-" + partition;
    try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.walk(cluster.dataDir(node))) {
      String name = dirs.map(d -> d.getFileName().toString())
          .filter(n -> n.startsWith("p") && n.endsWith(suffix) && n.substring(1, n.length() - suffix.length())
              .chars().allMatch(Character::isDigit))
          .findFirst().orElseThrow();
      return Integer.parseInt(name.substring(1, name.length() - suffix.length()));
    }
  }

  // ------------------------------------------------------------------ helpers

  private static double clusterSum(String name) throws Exception {
    return clusterSum(name, "");
  }

  private static double clusterSum(String name, String filter) throws Exception {
    double total = 0;
    for (int i = 0; i < 3; i++) {
      total += AdminHttp.sum(metrics(i), name, filter);
    }
    return total;
  }

  private static double clusterSum(int from, int to, String name) throws Exception {
    double total = 0;
    for (int i = from; i < to; i++) {
      total += AdminHttp.sum(metrics(i), name, "");
    }
    return total;
  }

  private static String metrics(int node) throws IOException, InterruptedException {
    return AdminHttp.get(cluster.admin(node), "/metrics").body();
  }

  private static boolean ready(int node) {
    try {
      return AdminHttp.get(cluster.admin(node), "/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Duration timeout, Check check, String what) throws Exception {
    Eventually.eventually(what, timeout, check::ok, ok -> ok);
  }

  private static void produce(int n) throws Exception {
    try (KafkaProducer<String, String> producer = producer()) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  private static KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return new KafkaProducer<>(p);
  }

  private static Properties adminProps() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
    return p;
  }
}
