package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * Graceful shutdown of real broker processes (SIGTERM): a stopping node hands every leadership it
 * holds to a caught-up follower before it exits, within its bound; a rolling restart of all nodes under
 * a steady acks=all idempotent load with the producer's default timeouts fails no send and loses or
 * duplicates no record. One cluster for the class.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulShutdownTest {
  private static final String TOPIC = "handoff";
  private static final int PARTITIONS = 6;
  private static final Pattern HANDOFF = Pattern.compile(
      "shutdown phase=handoff complete=(\\w+) groupsHandedOff=(\\d+) transferring=(\\d+) noSuccessor=(\\d+)");
  /** shutdown.timeout.ms below: a stop must end well inside it, never by the watchdog's halt. */
  private static final long STOP_BOUND_MS = 15_000;

  @TempDir
  static Path dir;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(dir, 3, "shutdown.timeout.ms=" + STOP_BOUND_MS,
        "shutdown.handoff.timeout.ms=8000");
    cluster.startAll();
    try (Admin admin = Admin.create(props(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
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
  void aStoppingNodeHandsOffEveryLeadershipItHoldsBeforeItExits() throws Exception {
    int victim = 1;
    // leaders where the balancer wants them (each node its preferred PARTITIONS / 3): a stop while the balancer
    // still moves leaderships (its warm-up after start) would find them gone, or arriving and refused
    await(Duration.ofSeconds(60), () -> led(0) == PARTITIONS / 3 && led(1) == PARTITIONS / 3 && led(2) == PARTITIONS / 3,
        "leaders balanced over the three nodes");
    int ledBefore = led(victim);
    long startNanos = System.nanoTime();
    cluster.stop(victim); // SIGTERM
    long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    String log = cluster.log(victim);
    Matcher m = HANDOFF.matcher(log);
    assertThat(m.find()).as("handoff line in the log:\n%s", tail(log)).isTrue();
    assertThat(m.group(1)).as("handoff complete").isEqualTo("true");
    assertThat(Integer.parseInt(m.group(2))).as("groups handed off; log:\n%s", tail(log)).isGreaterThanOrEqualTo(ledBefore);
    assertThat(Integer.parseInt(m.group(3))).as("transfers left").isZero();
    assertThat(log).contains("shutdown phase=closed").doesNotContain("halting");
    assertThat(stopMs).as("exit within the bound").isLessThan(STOP_BOUND_MS);
    // the survivors lead every partition: nothing waited out an election timeout for a dead leader
    await(Duration.ofSeconds(10), () -> led(0) + led(2) == PARTITIONS, "survivors lead all");
    System.out.printf("graceful-stop node=%d ledBefore=%d stopMs=%d %s%n", victim, ledBefore, stopMs, m.group());
    cluster.start(victim);
    awaitReady(victim);
  }

  @Test
  @Order(2)
  void aRollingRestartUnderLoadFailsNoSendAndLosesOrDuplicatesNothing() throws Exception {
    Load load = new Load();
    Thread producer = new Thread(load, "rolling-restart-load");
    producer.start();
    awaitAcks(load, 200); // warm-up: producer id, metadata, connections
    int warm = load.latenciesSince(0).size();
    awaitAcks(load, warm + 1_000); // the baseline window: about 5 s at this rate
    List<Long> baseline = load.latenciesSince(warm);
    int mark = load.acked.size();
    for (int node = 0; node < 3; node++) {
      cluster.stop(node);
      cluster.start(node);
      for (int i = 0; i < 3; i++) {
        awaitReady(i);
      }
    }
    List<Long> during = load.latenciesSince(warm + baseline.size());
    awaitAcks(load, load.acked.size() + 400); // the load goes on after the last restart
    load.stop.set(true);
    producer.join(180_000);
    assertThat(load.failures).as("failed sends: %s", load.firstFailure).isEmpty();
    assertThat(load.acked.size()).isGreaterThan(mark);
    assertEveryAckedRecordOnceInOrder(load.acked);
    System.out.printf("rolling-restart acked=%d sendP99Ms baseline=%.1f during=%.1f ratio=%.2f%n", load.acked.size(),
        p99Ms(baseline), p99Ms(during), p99Ms(during) / Math.max(0.001, p99Ms(baseline)));
  }

  /** A steady idempotent acks=all producer with default timeouts, about 200 records/s over every partition. */
  private static final class Load implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    volatile String firstFailure = "";
    /** value → partition and offset of each acknowledged record. */
    final Map<String, long[]> acked = Collections.synchronizedMap(new HashMap<>());
    private final List<Long> latencyNanos = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void run() {
      Properties p = props(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      // paced by a fixed-rate tick (one send per 5 ms), not by sleeping between sends
      Semaphore tick = new Semaphore(0);
      ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
      pacer.scheduleAtFixedRate(tick::release, 5, 5, TimeUnit.MILLISECONDS);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
          new StringSerializer())) {
        for (long i = 0; !stop.get(); i++) {
          if (!tick.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            i--;
            continue;
          }
          String value = "v" + i;
          long sent = System.nanoTime();
          producer.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), null, value), (md, e) -> {
            if (e != null) {
              failures.add(value);
              firstFailure = e.toString();
            } else {
              latencyNanos.add(System.nanoTime() - sent);
              acked.put(value, new long[] {md.partition(), md.offset()});
            }
          });
        }
        producer.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        pacer.shutdownNow();
      }
    }

    List<Long> latenciesSince(int from) {
      synchronized (latencyNanos) {
        return new ArrayList<>(latencyNanos.subList(from, latencyNanos.size()));
      }
    }
  }

  private static void awaitAcks(Load load, int acks) throws Exception {
    await(Duration.ofSeconds(60), () -> load.acked.size() >= acks || !load.failures.isEmpty(),
        acks + " acknowledged sends");
  }

  private static void assertEveryAckedRecordOnceInOrder(Map<String, long[]> acked) {
    Properties p = props(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Long> seenAt = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        tps.add(new TopicPartition(TOPIC, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long[] last = new long[PARTITIONS];
      java.util.Arrays.fill(last, -1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          assertThat(seenAt.put(r.value(), r.offset())).as("duplicate %s", r.value()).isNull();
          assertThat(r.offset()).as("order in partition %d", r.partition()).isGreaterThan(last[r.partition()]);
          last[r.partition()] = r.offset();
        }
      }
    }
    synchronized (acked) {
      for (Map.Entry<String, long[]> e : acked.entrySet()) {
        assertThat(seenAt.get(e.getKey())).as("acknowledged %s read back at its offset", e.getKey())
            .isEqualTo(e.getValue()[1]);
      }
    }
  }

  private static double p99Ms(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e6;
  }

  private static int led(int node) throws Exception {
    return (int) AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), "chronik_partitions_led", "");
  }

  private static void awaitReady(int node) throws Exception {
    await(Duration.ofSeconds(60), () -> {
      try {
        return AdminHttp.get(cluster.admin(node), "/ready").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, "node " + node + " ready");
  }

  private static void await(Duration timeout, CheckedCondition condition, String what) throws Exception {
    Eventually.eventually("timed out waiting: " + what, timeout, condition::holds, holds -> holds);
  }

  @FunctionalInterface
  private interface CheckedCondition {
    boolean holds() throws Exception;
  }

  private static Properties props(String bootstrapKey) {
    Properties p = new Properties();
    p.put(bootstrapKey, cluster.bootstrap());
    return p;
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }
}
