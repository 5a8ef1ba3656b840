package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.archive.ArchiveCompression;
import io.chronik.broker.archive.ArchiveManifest;
import io.chronik.broker.archive.RestoreCommand;
import io.chronik.broker.archive.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot archive end to end against a real S3 API server (S3Proxy over jclouds' in-memory store,
 * with AWS v4 signatures): a 3-node cluster archives while clients produce and commit offsets; the
 * cluster is lost; {@code chronik restore} rebuilds three data dirs from the bucket; the restored cluster
 * serves every record and committed offset. Then the fault cases: an object altered in the bucket and a
 * missing bucket end in a clear refusal, never in a wrong log.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveRestoreIntegrationTest {
  private static final String BUCKET = "chronik-archive";
  private static final int RECORDS = 1_000;
  private static final Pattern LAG = Pattern.compile("(?m)^chronik_archive_lag_entries\\{[^}]*} (\\S+)");
  private static final Pattern ROUNDS = Pattern.compile("(?m)^chronik_archive_rounds_total\\{[^}]*} (\\S+)");

  @TempDir
  static Path root;
  static S3Server s3;
  static String endpoint;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Server.start(BUCKET);
    endpoint = s3.endpoint();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  private static ReplicatedCluster archiving(Path dir) throws Exception {
    ReplicatedCluster c = new ReplicatedCluster(dir, 3, "archive.s3.uri=s3://" + BUCKET + "/prod", "archive.s3.endpoint=" + endpoint, "archive.s3.path.style=true",
        "archive.interval.ms=300", "raft.snapshot.interval.entries=200", "leader.balance.interval.ms=0",
        "metadata.snapshot.interval.entries=5");
    c.environment(S3Server.environment());
    c.startAll();
    return c;
  }

  private static int restore(String from, Path dataDir, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new picocli.CommandLine(new RestoreCommand()).execute("--from", from, "--data-dir", dataDir.toString(),
          "--endpoint", endpoint, "--path-style");
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static double metric(String admin, Pattern metric) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(admin + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = metric.matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  @Order(1)
  void aLostClusterIsRebuiltFromTheArchiveWithEveryRecordAndCommittedOffset() throws Exception {
    List<String> sent = new ArrayList<>();
    List<org.apache.kafka.common.Uuid> identities = new ArrayList<>();
    try (ReplicatedCluster live = archiving(root.resolve("live"))) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, live.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 3).configs(Map.of("segment.bytes", "16384"))))
            .all().get();
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, live.bootstrap());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < RECORDS; i++) {
          String v = "order-" + i + "-" + "x".repeat(100);
          producer.send(new ProducerRecord<>("orders", i % 2, "k" + i, v), (md, e) -> {
            if (e == null) {
              synchronized (sent) {
                sent.add(v);
              }
            }
          });
        }
        producer.flush();
      }
      // one metadata entry each: several metadata snapshots, the metadata log compacted below them
      commitOffsets(live.bootstrap(), new TopicPartition("orders", 0), 1200, 1234);
      // A round in flight now may have begun before the last write; the one after it began after every write.
      // Its lag (read after its round count, so from it or a later round) must come down to 0.
      for (int node = 0; node < 3; node++) {
        String admin = live.admin(node);
        double roundsNow = metric(admin, ROUNDS);
        eventually("two archive rounds and lag 0 on node " + node, Duration.ofSeconds(60),
            () -> metric(admin, ROUNDS) >= roundsNow + 2 ? metric(admin, LAG) : Double.NaN, lag -> lag == 0.0);
      }
      for (int node = 0; node < 3; node++) {
        identities.add(identity(live.dataDir(node)));
      }
    } // every node killed: the cluster is gone; only the bucket remains

    Path restoredRoot = root.resolve("restored");
    for (int node = 0; node < 3; node++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = restore("s3://" + BUCKET + "/prod", restoredRoot.resolve("node-" + node), out, err);
      assertThat(code).as("restore node %d: %s %s", node, out, err).isZero();
      assertThat(out.toString()).contains("group=metadata").containsPattern("-orders-0 fromNode=\\d indexes=")
          .contains("offsets=0..");
      Matcher metadata = Pattern.compile("group=metadata fromNode=\\d indexes=(\\d+)\\.\\.").matcher(out.toString());
      assertThat(metadata.find()).as("restore output names the metadata group: %s", out).isTrue();
      assertThat(Long.parseLong(metadata.group(1))).as("the metadata log was archived compacted").isGreaterThan(1);
    }
    try (ReplicatedCluster restored = new ReplicatedCluster(restoredRoot, 3)) {
      restored.startAll();
      assertThat(sent).hasSize(RECORDS);
      List<String> got = readAll(restored.bootstrap());
      assertThat(got).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(committedOffset(restored.bootstrap(), new TopicPartition("orders", 0))).isEqualTo(1234);
      for (int node = 0; node < 3; node++) {
        // the refounded cluster is the old one: each node took its registered identity, none rejoins as a lost disk
        Path restoredDir = restoredRoot.resolve("node-" + node);
        org.apache.kafka.common.Uuid expected = identities.get(node);
        eventually("node " + node + " took its registered directory id", Duration.ofSeconds(30),
            () -> identity(restoredDir), expected::equals);
        assertThat(restoredRoot.resolve("node-" + node).resolve(
            io.chronik.broker.archive.ArchiveRestore.RESTORED_FILE)).doesNotExist();
      }
    }
  }

  private static org.apache.kafka.common.Uuid identity(Path dataDir) throws java.io.IOException {
    Path file = dataDir.resolve(MetaProperties.FILE);
    return MetaProperties.parse(file, java.nio.file.Files.readString(file)).directoryId();
  }

  @Test
  @Order(2)
  void anObjectAlteredInTheBucketIsRefusedByName() throws Exception {
    BlobStore blobs = s3.blobs();
    // a segment of the copy restore will choose: the furthest manifest of orders-0 among the nodes'
    String victim = null;
    long furthest = -1;
    for (var meta : blobs.list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
      String name = meta.getName();
      if (name.endsWith("-orders-0/manifest")) {
        byte[] bytes;
        try (var in = blobs.getBlob(BUCKET, name).getPayload().openStream()) {
          bytes = in.readAllBytes();
        }
        ArchiveManifest m = ArchiveManifest.decode(bytes, name);
        if (m.archivedIndex() > furthest) {
          furthest = m.archivedIndex();
          victim = name.substring(0, name.length() - "manifest".length()) + m.files().get(0).object();
        }
      }
    }
    assertThat(victim).as("a segment object of orders-0 in the bucket").isNotNull();
    byte[] other = "not the segment".getBytes(StandardCharsets.UTF_8);
    Blob altered = blobs.blobBuilder(victim)
        .payload(ArchiveCompression.of(victim) == ArchiveCompression.GZIP ? gzip("not the segment") : other).build();
    blobs.putBlob(BUCKET, altered);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = restore("s3://" + BUCKET + "/prod", root.resolve("corrupt-restore"), out, err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("object=").contains(victim).contains("reason=object-does-not-match-manifest");
  }

  @Test
  @Order(3)
  void aMissingBucketIsAClearError() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = restore("s3://no-such-bucket/prod", root.resolve("missing-bucket"), out, err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("archive=s3://no-such-bucket/prod").contains("NoSuchBucket");
  }

  @Test
  @Order(4)
  void s3DownForTheWholeRunNeverBlocksProduceAndSaysSo() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (ReplicatedCluster solo = new ReplicatedCluster(root.resolve("s3-down"), 1,
        "archive.s3.uri=s3://" + BUCKET + "/down", "archive.s3.endpoint=http://127.0.0.1:" + closedPort,
        "archive.s3.path.style=true", "archive.interval.ms=100")) {
      solo.environment(S3Server.environment());
      solo.startAll();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, solo.bootstrap());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 200; i++) {
          producer.send(new ProducerRecord<>("unarchived", 0, "k", "v" + i)).get();
        }
      }
      eventually("an upload failure logged", Duration.ofSeconds(30), () -> solo.log(0),
          log -> log.contains("reason=upload-failed"));
      assertThat(solo.log(0)).contains("reason=upload-failed").contains("retryInMs=");
      eventually("a round finished", Duration.ofSeconds(30), () -> metric(solo.admin(0), ROUNDS), n -> n >= 1);
      assertThat(metric(solo.admin(0), LAG)).as("lag while S3 is down").isPositive();
    }
  }

  private static byte[] gzip(String text) throws java.io.IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static Properties consumerProps(String bootstrap, String group) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (group != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return c;
  }

  /** Commits {@code from}, {@code from + 1}, ... {@code to} in turn. */
  private static void commitOffsets(String bootstrap, TopicPartition tp, long from, long to) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap, "billing"),
        new StringDeserializer(), new StringDeserializer())) {
      c.assign(List.of(tp));
      for (long offset = from; offset <= to; offset++) {
        c.commitSync(Map.of(tp, new OffsetAndMetadata(offset)), Duration.ofSeconds(30));
      }
    }
  }

  private static long committedOffset(String bootstrap, TopicPartition tp) {
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap, "billing"),
        new StringDeserializer(), new StringDeserializer())) {
      OffsetAndMetadata m = c.committed(java.util.Set.of(tp), Duration.ofSeconds(30)).get(tp);
      return m == null ? -1 : m.offset();
    }
  }

  private static List<String> readAll(String bootstrap) {
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap, null),
        new StringDeserializer(), new StringDeserializer())) {
      c.assign(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1)));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (got.size() < RECORDS && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(300))) {
          got.add(r.value());
        }
      }
    }
    return got;
  }
}
