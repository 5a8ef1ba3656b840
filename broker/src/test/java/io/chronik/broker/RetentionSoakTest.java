package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's retention soak: a produce at a fixed rate for {@code soak.minutes} (default 30) into a topic with
 * {@code retention.bytes} set, on a real 3-node cluster. Every 10 s it measures, on every replica, the bytes of
 * each partition's directory (segments, their indexes, snapshots) and each node's heap. It holds that no
 * partition directory ever exceeds retention plus two segments (plus the small files beside them), and that
 * heap stays flat: the lowest heap sample of the last quarter (a floor after collections, not the sawtooth)
 * is within 1.5x of the lowest of the second quarter. Prints one row per minute.
 *
 * <pre>mvn -pl broker verify -Dchronik.groups=soak -Dchronik.excludedGroups= -Dtest=RetentionSoakTest \
 *     -Dsoak.minutes=30 -Dsoak.rate=2000</pre>
 */
@Tag("soak")
class RetentionSoakTest {
  private static final String TOPIC = "retained";
  private static final int PARTITIONS = 4;
  private static final long SEGMENT_BYTES = 1 << 20;
  private static final long RETENTION_BYTES = 8L << 20;
  /** Segment indexes, snapshots (the producer table), the hard-state slot: small files beside the segments. */
  private static final long SMALL_FILES_BYTES_MAX = 256 << 10;
  private static final int RECORD_BYTES = 1000;
  private static final long SAMPLE_MS = 10_000;

  @TempDir
  Path root;

  @Test
  void diskPerPartitionStaysWithinRetentionPlusTwoSegmentsAndHeapStaysFlat() throws Exception {
    int minutes = Integer.getInteger("soak.minutes", 30);
    int ratePerSec = Integer.getInteger("soak.rate", 2000);
    try (ReplicatedCluster cluster = new ReplicatedCluster(root, 3, "log.retention.check.interval.ms=1000",
        "leader.balance.interval.ms=0")) {
      cluster.startAll();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of(
            "retention.bytes", Long.toString(RETENTION_BYTES), "segment.bytes", Long.toString(SEGMENT_BYTES)))))
            .all().get(30, TimeUnit.SECONDS);
      }
      Samples samples = produceAndSample(cluster, minutes, ratePerSec);
      samples.print(minutes);
      long bound = RETENTION_BYTES + 2 * SEGMENT_BYTES + SMALL_FILES_BYTES_MAX;
      assertThat(samples.failedSends.get()).as("acknowledged sends only").isZero();
      assertThat(samples.sent.get()).as("the rate was kept").isGreaterThan((long) (0.9 * ratePerSec * minutes * 60));
      assertThat(samples.partitionBytesMax).as("largest partition directory on any replica, bytes")
          .isLessThanOrEqualTo(bound);
      for (int node = 0; node < 3; node++) {
        assertThat(samples.heapFloorLate(node)).as("node %d heap floor, last quarter vs second", node)
            .isLessThanOrEqualTo((long) (1.5 * samples.heapFloorEarly(node)));
      }
    }
  }

  private static Samples produceAndSample(ReplicatedCluster cluster, int minutes, int ratePerSec) throws Exception {
    Properties props = ProduceConsumeTest.producerProps(cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    Samples samples = new Samples();
    String value = "v".repeat(RECORD_BYTES);
    long startNanos = System.nanoTime();
    long endNanos = startNanos + TimeUnit.MINUTES.toNanos(minutes);
    long nextSampleNanos = startNanos;
    long sent = 0;
    // the loop wakes on a 1 ms fixed-rate tick and sends what the schedule says is due by then
    java.util.concurrent.Semaphore tick = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor();
    pacer.scheduleAtFixedRate(tick::release, 1, 1, TimeUnit.MILLISECONDS);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      while (System.nanoTime() < endNanos) {
        tick.tryAcquire(100, TimeUnit.MILLISECONDS);
        tick.drainPermits(); // a late wake sends everything due at once, as the schedule says
        long now = System.nanoTime();
        long due = (now - startNanos) * ratePerSec / 1_000_000_000L; // open loop: the schedule, not the replies
        for (; sent < due; sent++) {
          producer.send(new ProducerRecord<>(TOPIC, (int) (sent % PARTITIONS), "k" + sent, value), (md, e) -> {
            (e == null ? samples.sent : samples.failedSends).incrementAndGet();
          });
        }
        if (now >= nextSampleNanos) {
          samples.take(cluster, TimeUnit.NANOSECONDS.toSeconds(now - startNanos));
          nextSampleNanos += TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS);
        }
      }
      producer.flush();
    } finally {
      pacer.shutdownNow();
    }
    return samples;
  }

  /** What the soak measured: per sample, each node's largest partition directory and heap. */
  private static final class Samples {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong failedSends = new AtomicLong();
    final List<long[]> rows = new ArrayList<>(); // {second, dir bytes max n0..n2, heap n0..n2}
    long partitionBytesMax;
    /** The files of the largest partition directory seen, name=bytes: what the bound is spent on. */
    String largestListing = "";

    void take(ReplicatedCluster cluster, long second) throws Exception {
      long[] row = new long[7];
      row[0] = second;
      for (int node = 0; node < 3; node++) {
        StringBuilder listing = new StringBuilder();
        row[1 + node] = largestPartitionDir(cluster.dataDir(node).resolve("raft"), listing);
        if (row[1 + node] > partitionBytesMax) {
          partitionBytesMax = row[1 + node];
          largestListing = "node " + node + " " + listing;
        }
        String metrics = AdminHttp.get(cluster.admin(node), "/metrics").body();
        row[4 + node] = (long) AdminHttp.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
      }
      rows.add(row);
    }

    private static long largestPartitionDir(Path raft, StringBuilder listing) throws IOException {
      long max = 0;
      try (Stream<Path> dirs = Files.list(raft)) {
        for (Path dir : dirs.filter(d -> d.getFileName().toString().contains("-" + TOPIC + "-")).toList()) {
          long bytes = 0;
          StringBuilder files = new StringBuilder(dir.getFileName().toString()).append(':');
          try (Stream<Path> list = Files.list(dir)) {
            for (Path f : list.sorted().toList()) {
              long size = Files.isRegularFile(f) ? Files.size(f) : 0;
              bytes += size;
              files.append(' ').append(f.getFileName()).append('=').append(size);
            }
          } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
            // a segment deleted while listed: the next sample counts what is left
          }
          if (bytes > max) {
            max = bytes;
            listing.setLength(0);
            listing.append(files);
          }
        }
      }
      return max;
    }

    long heapFloorEarly(int node) {
      return floor(node, rows.size() / 4, rows.size() / 2);
    }

    long heapFloorLate(int node) {
      return floor(node, rows.size() * 3 / 4, rows.size());
    }

    private long floor(int node, int from, int to) {
      long min = Long.MAX_VALUE;
      for (long[] r : rows.subList(from, Math.max(from + 1, to))) {
        min = Math.min(min, r[4 + node]);
      }
      return min;
    }

    void print(int minutes) {
      System.out.printf("retention soak: %d min, sent=%d failed=%d, bound=%d bytes per partition directory%n",
          minutes, sent.get(), failedSends.get(), RETENTION_BYTES + 2 * SEGMENT_BYTES + SMALL_FILES_BYTES_MAX);
      System.out.println("second | largest partition dir MiB n0 n1 n2 | heap used MiB n0 n1 n2");
      for (int i = 0; i < rows.size(); i += 6) { // one row a minute
        long[] r = rows.get(i);
        System.out.printf("%6d | %6.1f %6.1f %6.1f | %6d %6d %6d%n", r[0], r[1] / 1048576.0, r[2] / 1048576.0,
            r[3] / 1048576.0, r[4] >> 20, r[5] >> 20, r[6] >> 20);
      }
      System.out.printf("largest partition dir %.1f MiB; heap floor (MiB) second quarter/last quarter: "
          + "n0 %d/%d n1 %d/%d n2 %d/%d%n", partitionBytesMax / 1048576.0, heapFloorEarly(0) >> 20,
          heapFloorLate(0) >> 20, heapFloorEarly(1) >> 20, heapFloorLate(1) >> 20, heapFloorEarly(2) >> 20,
          heapFloorLate(2) >> 20);
      System.out.println("largest partition directory seen: " + largestListing);
    }
  }
}
