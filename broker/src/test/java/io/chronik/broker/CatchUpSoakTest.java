package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's catch-up measurement: a replica stopped while its partition took about 1 GB (and the others
 * deleted the segments it needs) catches up by a streamed snapshot image. Measures the time from its
 * restart to the install, the image's MB/s, and the p99 of acks=all produce latency on another topic of
 * the same cluster with and without the catch-up running. Asserts only that the install happened and that
 * produce kept working; the figures are printed for docs/REPLICATION.md.
 *
 * <pre>mvn -pl broker verify -Dchronik.groups=soak -Dchronik.excludedGroups= -Dtest=CatchUpSoakTest
 *     [-Dsoak.catchup.bytes=1073741824] [-Dsoak.catchup.settings=KEY=VALUE,KEY=VALUE]</pre>
 *
 * Besides the p99s it prints the slowest sends of the catch-up with their time since the restart, and the
 * restarted replica's install log line, so a slow send can be placed in the transfer or the install.
 */
@Tag("soak")
class CatchUpSoakTest {
  private static final String BIG = "big";
  private static final String PROBE = "probe";
  private static final int VALUE_BYTES = 1000;

  @TempDir
  Path root;

  @Test
  void aReplicaCatchesUpByAStreamedImageOfAGigabyteWhileProduceGoesOn() throws Exception {
    long bytes = Long.getLong("soak.catchup.bytes", 1L << 30);
    List<String> settings = new ArrayList<>(List.of("raft.snapshot.interval.entries=1000",
        "log.retention.check.interval.ms=1000", "raft.catchup.hold.entries=100", "leader.balance.interval.ms=0"));
    String extra = System.getProperty("soak.catchup.settings", "");
    if (!extra.isBlank()) {
      settings.addAll(List.of(extra.split(",")));
    }
    try (ReplicatedCluster cluster = new ReplicatedCluster(root, 3, settings.toArray(String[]::new))) {
      cluster.startAll();
      int stopped;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        admin.createTopics(List.of(
            new NewTopic(BIG, 1, (short) 3).configs(Map.of("segment.bytes", Long.toString(64L << 20),
                "retention.bytes", Long.toString(bytes))),
            new NewTopic(PROBE, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        TopicPartitionInfo big = eventually("a leader of " + BIG, Duration.ofSeconds(30), () -> partition(admin, BIG),
            p -> p.leader() != null);
        stopped = big.replicas().stream().filter(n -> n.id() != big.leader().id()).findFirst().orElseThrow().id();
      }
      int[] others = java.util.stream.IntStream.range(0, 3).filter(n -> n != stopped).toArray();
      cluster.kill(stopped);
      produceBig(cluster, bytes + bytes / 4); // a quarter more than retention keeps: the stopped replica's entries go
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        TopicPartition tp = new TopicPartition(BIG, 0);
        eventually("retention moved the log start past the stopped replica", Duration.ofMinutes(2),
            () -> admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset(), s -> s > 0);
      }

      long baselineP99 = probe(cluster, Duration.ofSeconds(30), () -> true, System.nanoTime()).p99Ms();
      double installedBefore = 0; // the killed replica's next process counts from zero (it cannot be asked now)
      long start = System.nanoTime();
      cluster.start(stopped);
      AtomicBoolean catchingUp = new AtomicBoolean(true);
      Thread watcher = new Thread(() -> {
        try {
          eventually("the stopped replica installed the image", Duration.ofMinutes(20),
              () -> metric(cluster, stopped, "chronik_snapshots_installed_total"), n -> n > installedBefore);
        } catch (Exception e) {
          throw new RuntimeException(e);
        } finally {
          catchingUp.set(false);
        }
      });
      watcher.start();
      Probe during = probe(cluster, Duration.ofMinutes(20), catchingUp::get, start);
      long duringP99 = during.p99Ms();
      watcher.join();
      long catchUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      double imageBytes = metric(cluster, stopped, "chronik_snapshot_bytes_installed_total");
      double sent = 0;
      for (int n : others) {
        sent += metric(cluster, n, "chronik_snapshot_bytes_sent_total");
      }
      System.out.printf("catch-up soak: image %.0f MB installed %d ms after the restart (%.1f MB/s end to end), "
          + "%.0f MB sent; produce p99 %d ms without, %d ms during the catch-up%n", imageBytes / 1e6, catchUpMs,
          imageBytes / 1e6 / (catchUpMs / 1000.0), sent / 1e6, baselineP99, duringP99);
      System.out.println("catch-up soak: settings=" + settings + " sends=" + during.sorted().size()
          + " slowest (ms since restart:latency ms)=" + during.slowest(15));
      cluster.log(stopped).lines().filter(l -> l.contains("installed-leader-snapshot"))
          .forEach(l -> System.out.println("catch-up soak: node " + stopped + ": " + l));
      assertThat(imageBytes).isGreaterThan(bytes / 2.0);
      assertThat(sent).as("bytes sent for one image").isLessThan(2 * imageBytes);
    }
  }

  private static TopicPartitionInfo partition(Admin admin, String topic) throws Exception {
    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().get(0);
  }

  private static double metric(ReplicatedCluster cluster, int node, String name) throws Exception {
    return AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), name, "");
  }

  private static void produceBig(ReplicatedCluster cluster, long bytes) throws Exception {
    Properties props = ProduceConsumeTest.producerProps(cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 << 10));
    AtomicLong failed = new AtomicLong();
    String value = "v".repeat(VALUE_BYTES);
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      for (long sent = 0; sent < bytes; sent += VALUE_BYTES) {
        p.send(new ProducerRecord<>(BIG, 0, null, value), (md, e) -> {
          if (e != null) {
            failed.incrementAndGet();
          }
        });
      }
      p.flush();
    }
    assertThat(failed.get()).as("failed sends").isZero();
  }

  /** Send latencies (µs), sorted, and each send's (start ms since {@code origin}, latency µs). */
  private record Probe(List<Long> sorted, List<long[]> timed) {
    long p99Ms() {
      return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1_000;
    }

    String slowest(int count) {
      return timed.stream().sorted((a, b) -> Long.compare(b[1], a[1])).limit(count)
          .map(t -> t[0] + ":" + t[1] / 1_000).toList().toString();
    }
  }

  /** One acks=all record to {@link #PROBE} every 20 ms while {@code going} (at least 100). */
  private static Probe probe(ReplicatedCluster cluster, Duration max, java.util.function.BooleanSupplier going,
      long origin) throws Exception {
    Properties props = ProduceConsumeTest.producerProps(cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    List<Long> micros = new ArrayList<>();
    List<long[]> timed = new ArrayList<>();
    long deadline = System.nanoTime() + max.toNanos();
    java.util.concurrent.Semaphore ticks = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.ScheduledExecutorService pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    pace.scheduleAtFixedRate(() -> ticks.release(), 0, 20, TimeUnit.MILLISECONDS); // one send per tick
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      while ((going.getAsBoolean() || micros.size() < 100) && System.nanoTime() < deadline) {
        ticks.acquire();
        ticks.drainPermits(); // a slow send skips the ticks it overran instead of bursting after it
        long t0 = System.nanoTime();
        p.send(new ProducerRecord<>(PROBE, 0, null, "probe")).get();
        long latency = (System.nanoTime() - t0) / 1_000;
        micros.add(latency);
        timed.add(new long[] {TimeUnit.NANOSECONDS.toMillis(t0 - origin), latency});
      }
    } finally {
      pace.shutdownNow();
    }
    Collections.sort(micros);
    return new Probe(micros, timed);
  }
}
