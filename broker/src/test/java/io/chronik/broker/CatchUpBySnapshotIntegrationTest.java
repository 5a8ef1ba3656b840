package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up by snapshot on a real 3-node cluster (4 KiB segments, retention.bytes 16 KiB, a partition
 * snapshot every 10 entries, raft.catchup.hold.entries 50): while the partition's preferred replica is
 * stopped, the other two delete the segments below its log; restarted, it gets InstallSnapshot of the
 * snapshot plus the retained records, streamed in 1 KiB chunks with 4 KiB in flight (counted on both sides), and once it leads again it serves every
 * record from the log start at the same offsets and still deduplicates a retry of a batch written
 * before it stopped.
 */
@Tag("integration")
class CatchUpBySnapshotIntegrationTest {
  private static final String TOPIC = "caught";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
  private static final long OLD_PRODUCER = 5151;
  private static final int EARLY_BATCHES = 20;
  private static final int WHILE_DOWN = 300;
  private static final String VALUE_PAD = "x".repeat(200);
  @TempDir
  static Path root;
  static ReplicatedCluster cluster;
  private int correlation;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(root, 3, "raft.snapshot.interval.entries=10", "log.retention.check.interval.ms=200",
        "raft.catchup.hold.entries=50", "leader.balance.interval.ms=0",
        // 1 KiB chunks, 4 KiB in flight: the image streams in many chunks, paced by the follower's statuses
        "raft.snapshot.chunk.bytes=1024", "raft.snapshot.window.bytes=4096");
    cluster.startAll();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  private static TopicPartitionInfo describe(Admin admin) throws Exception {
    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(0);
  }

  private static double metric(int node, String name) throws Exception {
    return AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), name, "");
  }

  private static List<String> segments(int node) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root.resolve("node-" + node).resolve("raft"))) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().endsWith("-" + TOPIC + "-0")).toList()) {
        try (Stream<Path> files = Files.list(dir)) {
          files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().forEach(names::add);
        }
      }
    }
    return names;
  }

  private static ByteBuffer idempotentBatch(long producerId, int sequence) {
    return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence,
        new SimpleRecord(("k" + sequence).getBytes(), ("early" + sequence).getBytes())).buffer();
  }

  /** One acks=all Produce of {@code batch} to {@code node}; returns (error, baseOffset). */
  private long[] produce(int node, ByteBuffer batch) throws IOException {
    ProduceRequestData req = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(TOPIC);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
        .setRecords(MemoryRecords.readableRecords(batch.duplicate())));
    req.topicData().add(td);
    short version = 9;
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "catch-up-test", ++correlation);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), req, version);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.kafkaPort(node)), 5_000);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
      out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      ProduceResponse parsed = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
      var partition = parsed.data().responses().iterator().next().partitionResponses().get(0);
      return new long[] {partition.errorCode(), partition.baseOffset()};
    }
  }

  /** Reads from offset 0 with auto.offset.reset=earliest until offset {@code end - 1}. */
  private static List<ConsumerRecord<String, String>> readFromZero(long end) {
    Properties props = ProduceConsumeTest.consumerProps(cluster.bootstrap(), null);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
      c.assign(List.of(TP));
      c.seek(TP, 0);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((got.isEmpty() || got.get(got.size() - 1).offset() < end - 1) && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    return got;
  }

  @Test
  void aStoppedReplicaBehindTheDeletedSegmentsCatchesUpBySnapshotAndServesEveryRecordAtItsOffset()
      throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("segment.bytes", "4096",
          "retention.bytes", "16384")))).all().get();
      int preferred = describe(admin).replicas().get(0).id();
      eventually("the preferred replica leads", Duration.ofSeconds(30), () -> describe(admin).leader(),
          l -> l != null && l.id() == preferred);
      for (int seq = 0; seq < EARLY_BATCHES; seq++) {
        assertThat(produce(preferred, idempotentBatch(OLD_PRODUCER, seq))).containsExactly(Errors.NONE.code(), seq);
      }

      cluster.kill(preferred);
      int other = eventually("another replica leads", Duration.ofSeconds(30), () -> describe(admin).leader(),
          l -> l != null && l.id() != preferred).id();
      try (KafkaProducer<String, String> p = new KafkaProducer<>(ProduceConsumeTest.producerProps(cluster.bootstrap()))) {
        for (int i = 0; i < WHILE_DOWN; i++) { // one Raft entry each, ~300 bytes: ~20 segments
          p.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + i + VALUE_PAD)).get();
        }
      }
      long end = EARLY_BATCHES + WHILE_DOWN;
      long start = eventually("the log start moves", Duration.ofSeconds(30),
          () -> admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP).get().offset(), s -> s > 0);
      for (int node = 0; node < 3; node++) {
        if (node != preferred) {
          int n = node;
          eventually("node " + n + " deleted the segments the stopped replica still needs", Duration.ofSeconds(30),
              () -> segments(n), s -> !s.isEmpty() && !s.contains("00000000000000000001.log"));
        }
      }

      double sentBefore = metric(other, "chronik_snapshots_sent_total");
      cluster.start(preferred);
      eventually("the restarted replica installed the leader's snapshot", Duration.ofSeconds(30),
          () -> metric(preferred, "chronik_snapshots_installed_total"), n -> n >= 1);
      // retention keeps at least retention.bytes (16 KiB) of segments; the image holds them up to the snapshot
      // index, so all but the entries after the last snapshot (at most 10, ~300 B each; producer state alone
      // is under 100 B)
      assertThat(metric(preferred, "chronik_snapshot_bytes_installed_total")).isGreaterThan(16384 - 10 * 512);
      assertThat(metric(other, "chronik_snapshots_sent_total")).isGreaterThan(sentBefore);
      assertThat(metric(preferred, "chronik_snapshot_chunks_received_total")).as("chunks").isGreaterThanOrEqualTo(12);
      assertThat(metric(preferred, "chronik_snapshot_images_refused_total")).isZero();
      assertThat(segments(preferred)).as("its old first segment replaced by the leader's retained ones")
          .doesNotContain("00000000000000000001.log");

      eventually("the restarted replica leads again", Duration.ofSeconds(60), () -> {
        Optional<Throwable> r = admin.electLeaders(ElectionType.PREFERRED, java.util.Set.of(TP)).partitions().get()
            .get(TP);
        return r.isEmpty() || r.get() instanceof ElectionNotNeededException ? describe(admin).leader().id() : -1;
      }, l -> l == preferred);

      // the producer's last batch, written before the replica stopped and since deleted by retention
      assertThat(produce(preferred, idempotentBatch(OLD_PRODUCER, EARLY_BATCHES - 1))).as("a retry")
          .containsExactly(Errors.NONE.code(), EARLY_BATCHES - 1);
      assertThat(produce(preferred, idempotentBatch(OLD_PRODUCER, EARLY_BATCHES)))
          .containsExactly(Errors.NONE.code(), end);

      assertThat(start).as("the retried batch lies below the log start").isGreaterThan(EARLY_BATCHES);
      long first = admin.listOffsets(Map.of(TP, OffsetSpec.earliest())).partitionResult(TP).get().offset();
      assertThat(first).isGreaterThanOrEqualTo(start);
      List<ConsumerRecord<String, String>> got = readFromZero(end + 1);
      assertThat(got.get(0).offset()).as("from the log start").isEqualTo(first);
      assertThat(got).hasSize((int) (end + 1 - first));
      for (ConsumerRecord<String, String> r : got) {
        long i = r.offset() - EARLY_BATCHES;
        String expected = i < 0 ? "early" + r.offset() : i < WHILE_DOWN ? "v" + i + VALUE_PAD : "early" + EARLY_BATCHES;
        assertThat(r.value()).as("offset %d", r.offset()).isEqualTo(expected);
      }
    }
  }
}
