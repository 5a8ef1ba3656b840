package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import io.chronik.broker.archive.RestoreCommand;
import io.chronik.broker.archive.S3Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's archive measurement: the snapshot archive's upload rate and a cold-start restore of a ~1 GB
 * partition. A real 3-node cluster (RF 3) takes {@code soak.archive.bytes} of 1000-byte incompressible values
 * (acks=all) into one partition with the archive off; the nodes are then killed and restarted with the archive
 * on (a real S3 API server, S3Proxy over a filesystem store), so the leader uploads the whole backlog: the
 * figure is compressed bytes uploaded per second until every node reports lag 0 after two more rounds. Then
 * the cluster is dropped, {@code chronik restore} rebuilds the three data dirs one after the other (as three
 * machines would, but on one host), and the restored cluster is started. Asserts only correctness: every acked
 * record is restored (offsets 0..n-1, end offset n) and five ranges of 1,000 records read back byte for byte;
 * the times are printed for docs/STORAGE.md. Brokers get {@code -Dsoak.broker.heap} (default 1g, the heap
 * docs/OPERATIONS.md sets). {@code -Dsoak.archive.settings=k=v,k=v} adds broker settings to the archiving restart:
 * {@code archive.compression=gzip,archive.upload.threads=1} is the uploader as it was before issue 13's fix.
 *
 * <pre>mvn -q -B -ntp -o verify -pl broker -am -Dchronik.groups=soak -Dchronik.excludedGroups= \
 *     -Dtest=ArchiveRestoreSoakTest -Dsurefire.failIfNoSpecifiedTests=false [-Dsoak.archive.bytes=1073741824]</pre>
 *
 * <p>Measured 2026-12-07, before and after issue 13's fix, back to back, 1 GiB (1,073,741 records, 1,085 MB per
 * partition directory), the shared 2-core VM heavily loaded by other work: the old path (gzip, one thread; load
 * 15.6 at its start) uploaded at 16.0 MB/s between the first and the last object; none with one thread (load 6.0)
 * 34.1 MB/s; the defaults, none with two threads (load 9.3), 41.8 MB/s: 2.6x the old path (docs/STORAGE.md has
 * the table). The previous session's old-path figure, at load 5.3, was 24.0 MB/s. Before the fix of
 * {@code Membership}'s unbounded CONFIG scan, the restart with the archive on killed a node with
 * OutOfMemoryError (256m and 1g).
 */
@Tag("soak")
class ArchiveRestoreSoakTest {
  private static final String BUCKET = "chronik-archive";
  private static final String TOPIC = "big";
  private static final int VALUE_BYTES = 1000;
  private static final int RANGE = 1000;

  @TempDir
  Path root;

  @Test
  void aGigabytePartitionIsArchivedAndRestoredWithEveryRecord() throws Exception {
    long bytes = Long.getLong("soak.archive.bytes", 1L << 30);
    long records = bytes / VALUE_BYTES;
    String heap = System.getProperty("soak.broker.heap", "1g");
    try (S3Server s3 = S3Server.startOnDisk(Files.createDirectories(root.resolve("bucket")), BUCKET)) {
      String[] base = {"leader.balance.interval.ms=0"};
      List<String> archiving = new ArrayList<>(List.of("leader.balance.interval.ms=0",
          "archive.s3.uri=s3://" + BUCKET + "/soak", "archive.s3.endpoint=" + s3.endpoint(),
          "archive.s3.path.style=true", "archive.interval.ms=1000"));
      String extra = System.getProperty("soak.archive.settings", "");
      if (!extra.isBlank()) {
        archiving.addAll(List.of(extra.split(",")));
      }
      System.out.printf("archive soak: archive settings %s%n", archiving.subList(5, archiving.size()));
      long produceMs;
      long partitionBytes;
      Upload upload;
      try (ReplicatedCluster live = new ReplicatedCluster(root.resolve("live"), 3, base)) {
        live.environment(S3Server.environment()).heap(heap);
        live.startAll();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, live.bootstrap()))) {
          admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
              .configs(Map.of("retention.bytes", "-1", "retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        }
        produceMs = produce(live.bootstrap(), records);
        assertThat(endOffset(live.bootstrap())).as("records held before the archive").isEqualTo(records);
        partitionBytes = partitionDirBytes(live.dataDir(0));
        for (int n = 0; n < 3; n++) {
          live.kill(n);
        }
        live.settings(archiving.toArray(String[]::new));
        long restart = System.nanoTime();
        live.startAll();
        upload = awaitArchived(live, restart);
      } // every node killed: only the bucket remains
      long bucketBytes = bucketBytes(s3);

      Path restoredRoot = root.resolve("restored");
      long[] restoreMs = new long[3];
      long[] restoredBytes = new long[3];
      for (int n = 0; n < 3; n++) {
        long start = System.nanoTime();
        String out = restore(s3.endpoint(), restoredRoot.resolve("node-" + n));
        restoreMs[n] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(out).as("restore of node %d", n).containsPattern("-" + TOPIC + "-0 fromNode=\\d indexes=\\d+\\.\\.\\d+ "
            + "offsets=0\\.\\." + (records - 1) + " ");
        restoredBytes[n] = restoredBytes(out);
      }
      long startedMs;
      try (ReplicatedCluster restored = new ReplicatedCluster(restoredRoot, 3).heap(heap)) {
        long start = System.nanoTime();
        restored.startAll();
        for (int n = 0; n < 3; n++) {
          int node = n;
          eventually("restored node " + n + " ready", Duration.ofMinutes(5),
              () -> AdminHttp.get(restored.admin(node), "/ready").statusCode(), code -> code == 200);
        }
        assertThat(endOffset(restored.bootstrap())).as("end offset after the restore").isEqualTo(records);
        startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(earliestOffset(restored.bootstrap())).isZero();
        readRanges(restored.bootstrap(), records);
      }
      report(records, produceMs, partitionBytes, upload, bucketBytes, restoreMs, restoredBytes, startedMs);
      System.out.printf("archive soak: brokers -Xmx%s; largest heap used by a node while archiving %.0f MB%n", heap,
          upload.peakHeapBytes() / 1e6);
    }
  }

  private static void report(long records, long produceMs, long partitionBytes, Upload upload, long bucketBytes, long[] restoreMs, long[] restoredBytes, long startedMs) {
    System.out.printf("archive soak: %,d records (%.0f MB of values) produced in %d ms (%.1f MB/s), partition dir "
        + "%.0f MB per replica%n", records, records * VALUE_BYTES / 1e6, produceMs,
        records * VALUE_BYTES / 1e6 / (produceMs / 1000.0), partitionBytes / 1e6);
    System.out.printf("archive soak: backlog upload %.0f MB (objects as archived); ms after the restart: leader known %d, first "
        + "object %d (%.0f MB), last object %d, lag 0 on every node %d; %.1f MB/s between the first and last sample, "
        + "%.1f MB/s of partition from the restart to lag 0; bucket holds %.0f MB%n", upload.bytes() / 1e6,
        upload.leaderMs(), upload.firstMs(), upload.firstBytes() / 1e6, upload.lastMs(), upload.doneMs(),
        upload.steadyMbPerS(), partitionBytes / 1e6 / (upload.doneMs() / 1000.0), bucketBytes / 1e6);
    for (int n = 0; n < 3; n++) {
      System.out.printf("archive soak: restore node %d: %.0f MB in %d ms (%.1f MB/s)%n", n, restoredBytes[n] / 1e6,
          restoreMs[n], restoredBytes[n] / 1e6 / (restoreMs[n] / 1000.0));
    }
    System.out.printf("archive soak: restored cluster started, every node /ready and the end offset served %d ms "
        + "after the start%n", startedMs);
  }

  /** 1000-byte values: the record's index, then bytes only it draws (incompressible, checkable from the index). */
  static byte[] value(long index) {
    byte[] v = new byte[VALUE_BYTES];
    new SplittableRandom(index).nextBytes(v);
    ByteBuffer.wrap(v).putLong(index);
    return v;
  }

  private static long produce(String bootstrap, long records) {
    Properties props = ProduceConsumeTest.producerProps(bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 << 10));
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
      for (long i = 0; i < records; i++) {
        p.send(new ProducerRecord<>(TOPIC, 0, null, value(i)), (md, e) -> {
          if (e != null) {
            failed.incrementAndGet();
          }
        });
      }
      p.flush();
    }
    assertThat(failed.get()).as("failed sends").isZero();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /**
   * What the restarted cluster's archive did, in ms since the restart: the partition's leader known, the first
   * and the last sample of growing uploaded bytes (summed over the nodes), lag 0 on all; the largest heap used.
   */
  record Upload(long leaderMs, long firstMs, double firstBytes, long lastMs, double bytes, long doneMs,
      double peakHeapBytes) {
    double steadyMbPerS() {
      return lastMs > firstMs ? (bytes - firstBytes) / 1e6 / ((lastMs - firstMs) / 1000.0) : Double.NaN;
    }
  }

  /** Every 500 ms: ms since {@code fromNanos}, gzip bytes uploaded by all nodes, the largest heap used on one. */
  static final class Sampler implements AutoCloseable {
    final List<double[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.ScheduledExecutorService pace =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    Sampler(ReplicatedCluster cluster, long fromNanos) {
      pace.scheduleAtFixedRate(() -> {
        double uploaded = 0;
        double heap = 0;
        for (int n = 0; n < cluster.size(); n++) {
          try {
            String metrics = AdminHttp.get(cluster.admin(n), "/metrics").body();
            uploaded += AdminHttp.sum(metrics, "chronik_archive_uploaded_total", "");
            heap = Math.max(heap, AdminHttp.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""));
          } catch (Exception e) {
            // a node not started or not answering yet: its part of this sample is missing
          }
        }
        samples.add(new double[] {TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fromNanos), uploaded, heap});
      }, 0, 500, TimeUnit.MILLISECONDS);
    }

    double peakHeap() {
      return List.copyOf(samples).stream().mapToDouble(x -> x[2]).max().orElse(Double.NaN);
    }

    @Override
    public void close() {
      pace.shutdownNow();
    }
  }

  /**
   * Waits until the partition has a leader, then until every node finished two rounds after that (the second
   * began after the leader held the partition) with lag 0, sampling the gzip bytes uploaded meanwhile.
   */
  private static Upload awaitArchived(ReplicatedCluster cluster, long restartNanos) throws Exception {
    long leaderMs;
    List<double[]> seen;
    double peakHeap;
    try (Sampler sampler = new Sampler(cluster, restartNanos)) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        eventually("a leader of " + TOPIC, Duration.ofMinutes(2), () -> admin.describeTopics(List.of(TOPIC))
            .allTopicNames().get().get(TOPIC).partitions().get(0).leader(), l -> l != null);
        leaderMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
      }
      for (int n = 0; n < 3; n++) {
        String admin = cluster.admin(n);
        double roundsNow = metric(admin, "chronik_archive_rounds_total");
        eventually("two archive rounds and lag 0 on node " + n, Duration.ofMinutes(30),
            () -> metric(admin, "chronik_archive_rounds_total") >= roundsNow + 2
                ? metric(admin, "chronik_archive_lag_entries") : Double.NaN, lag -> lag == 0.0);
      }
      seen = List.copyOf(sampler.samples);
      peakHeap = sampler.peakHeap();
    }
    long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
    double[] first = seen.stream().filter(x -> x[1] > 0).findFirst().orElse(new double[] {doneMs, 0});
    double total = seen.get(seen.size() - 1)[1];
    double[] last = seen.stream().filter(x -> x[1] == total).findFirst().orElseThrow();
    return new Upload(leaderMs, (long) first[0], first[1], (long) last[0], total, doneMs, peakHeap);
  }

  private static double metric(String admin, String name) throws Exception {
    return AdminHttp.sum(AdminHttp.get(admin, "/metrics").body(), name, "");
  }

  private static long bucketBytes(S3Server s3) {
    long total = 0;
    for (var meta : s3.blobs().list(BUCKET, org.jclouds.blobstore.options.ListContainerOptions.Builder.recursive())) {
      if (meta.getSize() != null) {
        total += meta.getSize();
      }
    }
    return total;
  }

  private static long partitionDirBytes(Path dataDir) throws Exception {
    try (Stream<Path> files = Files.walk(dataDir.resolve("raft"))) {
      return files.filter(f -> f.getParent().getFileName().toString().endsWith("-" + TOPIC + "-0"))
          .filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** Runs {@code chronik restore} in this JVM; returns what it printed (it must succeed). */
  private static String restore(String endpoint, Path dataDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new picocli.CommandLine(new RestoreCommand()).execute("--from", "s3://" + BUCKET + "/soak",
          "--data-dir", dataDir.toString(), "--endpoint", endpoint, "--path-style");
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    assertThat(code).as("restore %s: %s %s", dataDir, out, err).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The raw bytes the restore wrote, summed over the groups it printed. */
  private static long restoredBytes(String out) {
    Matcher m = Pattern.compile(" bytes=(\\d+)").matcher(out);
    long total = 0;
    while (m.find()) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }

  private static long endOffset(String bootstrap) throws Exception {
    return offset(bootstrap, OffsetSpec.latest());
  }

  private static long earliestOffset(String bootstrap) throws Exception {
    return offset(bootstrap, OffsetSpec.earliest());
  }

  private static long offset(String bootstrap, OffsetSpec spec) throws Exception {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }
  }

  /** Reads {@link #RANGE} records at 0, 1/4, 1/2, 3/4 and the end: each must be the one sent at its offset. */
  private static void readRanges(String bootstrap, long records) {
    TopicPartition tp = new TopicPartition(TOPIC, 0);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    long[] starts = {0, records / 4, records / 2, records * 3 / 4, Math.max(0, records - RANGE)};
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(List.of(tp));
      for (long from : starts) {
        long to = Math.min(records, from + RANGE);
        c.seek(tp, from);
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (got.size() < to - from && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
            if (r.offset() < to && got.size() < to - from) {
              got.add(r);
            }
          }
        }
        assertThat(got).as("records %d..%d", from, to - 1).hasSize((int) (to - from));
        for (int i = 0; i < got.size(); i++) {
          ConsumerRecord<byte[], byte[]> r = got.get(i);
          assertThat(r.offset()).isEqualTo(from + i);
          assertThat(Arrays.equals(r.value(), value(r.offset()))).as("value at offset %d", r.offset()).isTrue();
        }
      }
    }
  }
}
