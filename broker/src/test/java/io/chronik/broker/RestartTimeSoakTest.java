package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's restart measurement: the time a node killed with SIGKILL takes from its restart to {@code /ready}
 * (every group it holds open, leaders known, nothing catching up) must not grow with the history it holds. A
 * real 3-node cluster, one topic of 8 partitions without retention; node 2 is killed and restarted three
 * times holding 1M records, then three times holding 10M (100-byte values). The medians are compared in the
 * same run (this host is shared): 10M within 2x of 1M.
 *
 * <pre>mvn -pl broker verify -Dchronik.groups=soak -Dchronik.excludedGroups= -Dtest=RestartTimeSoakTest</pre>
 */
@Tag("soak")
class RestartTimeSoakTest {
  private static final String TOPIC = "history";
  private static final int PARTITIONS = 8;
  private static final int RESTARTED = 2;
  private static final int RESTARTS = 3;

  @TempDir
  Path root;

  @Test
  void aNodeHoldingTenTimesTheHistoryRestartsWithinTwiceTheTime() throws Exception {
    long small = Long.getLong("soak.records.small", 1_000_000);
    long large = Long.getLong("soak.records.large", 10_000_000);
    try (ReplicatedCluster cluster = new ReplicatedCluster(root, 3)) {
      cluster.startAll();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
            .configs(Map.of("retention.bytes", "-1", "retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
      }
      long produceSmallMs = produce(cluster, small);
      long[] smallMs = restarts(cluster);
      long produceLargeMs = produce(cluster, large - small);
      assertThat(endOffsets(cluster)).as("records held").isEqualTo(large);
      long[] largeMs = restarts(cluster);
      long smallMedian = median(smallMs);
      long largeMedian = median(largeMs);
      System.out.printf("restart soak: %,d records produced in %d ms, then %,d more in %d ms%n", small,
          produceSmallMs, large - small, produceLargeMs);
      System.out.printf("restart to /ready, ms: %,d records %s (median %d); %,d records %s (median %d); "
          + "ratio %.2f%n", small, Arrays.toString(smallMs), smallMedian, large, Arrays.toString(largeMs),
          largeMedian, (double) largeMedian / smallMedian);
      assertThat(largeMedian).as("restart holding %d records vs %d", large, small).isLessThanOrEqualTo(2 * smallMedian);
    }
  }

  /** Sends {@code records} 100-byte values (acks=all, idempotent) as fast as the cluster takes them. */
  private static long produce(ReplicatedCluster cluster, long records) throws Exception {
    Properties props = ProduceConsumeTest.producerProps(cluster.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 << 10));
    AtomicLong failed = new AtomicLong();
    String value = "v".repeat(100);
    long start = System.nanoTime();
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      for (long i = 0; i < records; i++) {
        p.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), null, value), (md, e) -> {
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

  /** Kills node 2 and restarts it {@link #RESTARTS} times: each time, ms from the restart to /ready. */
  private static long[] restarts(ReplicatedCluster cluster) throws Exception {
    long[] ms = new long[RESTARTS];
    for (int i = 0; i < RESTARTS; i++) {
      awaitReady(cluster, RESTARTED);
      cluster.kill(RESTARTED);
      long start = System.nanoTime();
      cluster.start(RESTARTED);
      awaitReady(cluster, RESTARTED);
      ms[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
    return ms;
  }

  private static long endOffsets(ReplicatedCluster cluster) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
      return admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }
  }

  private static void awaitReady(ReplicatedCluster cluster, int node) throws Exception {
    Eventually.eventually("node " + node + " ready", Duration.ofMinutes(5),
        () -> AdminHttp.get(cluster.admin(node), "/ready").statusCode(), code -> code == 200);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
