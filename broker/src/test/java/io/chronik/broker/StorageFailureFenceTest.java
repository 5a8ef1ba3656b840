package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.admin.AdminHttp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: node 1's data dir is a small tmpfs (root; a failed mount fails the test, it never
 * skips). While an idempotent acks=all producer runs, the tmpfs is filled to the brim; node 1's next
 * write fails with ENOSPC, so it fences itself: one log line, exit 74. The producer moves to the new
 * leaders without a failed send, and after space is freed and node 1 restarted it rejoins, catches up,
 * and every acknowledged record reads back once at its offset. One cluster for the class.
 */
@Tag("integration")
class StorageFailureFenceTest {
  private static final String TOPIC = "fenced";
  private static final int PARTITIONS = 3;
  private static final int FULL_NODE = 1;
  private static final String TMPFS_SIZE = "48m";

  @TempDir
  static Path dir;
  static Path mount;
  static ReplicatedCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    mount = dir.resolve("node-" + FULL_NODE);
    Files.createDirectories(mount);
    String out = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mount.toString());
    cluster = new ReplicatedCluster(dir, 3, "log.segment.bytes=1048576", "message.bytes.max=262144");
    cluster.startAll();
    try (Admin admin = Admin.create(props(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
    }
    System.out.println("fence-test mounted tmpfs " + mount + " " + out.strip());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (mount != null) {
        run("umount", mount.toString());
      }
    }
  }

  @Test
  void aNodeWhoseDiskFillsFencesItselfClientsMoveOnAndItRejoinsAfterSpaceReturns() throws Exception {
    await(Duration.ofSeconds(30), () -> led(FULL_NODE) > 0, "node " + FULL_NODE + " leads a partition");
    Load load = new Load();
    Thread producer = new Thread(load, "fence-load");
    producer.start();
    awaitAcks(load, 300);

    long filledNanos = System.nanoTime();
    long filler = fillToTheBrim(mount.resolve("filler"));
    int exit = cluster.awaitExit(FULL_NODE, Duration.ofSeconds(20));
    long fencedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - filledNanos);
    String log = cluster.log(FULL_NODE);
    assertThat(exit).as("exit status of the full node; log:\n%s", tail(log)).isEqualTo(NodeFence.EXIT_STORAGE_FAILED);
    assertThat(log).contains("node=" + FULL_NODE + " reason=storage-failed action=halt exit=74");

    // the survivors take over every partition; the producer goes on without a failed send
    await(Duration.ofSeconds(15), () -> led(0) + led(2) == PARTITIONS, "survivors lead all");
    int atFence = load.acked.size();
    awaitAcks(load, atFence + 300);

    Files.delete(mount.resolve("filler"));
    long restartNanos = System.nanoTime();
    cluster.start(FULL_NODE);
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
    }
    long rejoinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNanos);
    awaitAcks(load, load.acked.size() + 200);
    load.stop.set(true);
    producer.join(60_000);

    assertThat(load.failures).as("failed sends: %s", load.firstFailure).isEmpty();
    assertEveryAckedRecordOnceAtItsOffset(load.acked);
    assertThat(hosted(FULL_NODE)).as("partitions hosted by the rejoined node").isEqualTo(PARTITIONS);
    System.out.printf("fence-test fillerBytes=%d fencedMs=%d exit=%d ackedAtFence=%d acked=%d rejoinMs=%d%n", filler,
        fencedMs, exit, atFence, load.acked.size(), rejoinMs);
  }

  /** Writes zeros to {@code file} until the file system refuses (ENOSPC); returns the bytes written. */
  private static long fillToTheBrim(Path file) throws IOException {
    long written = 0;
    ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (true) {
        chunk.clear();
        try {
          while (chunk.hasRemaining()) {
            written += channel.write(chunk);
          }
        } catch (IOException full) {
          assertThat(full.getMessage()).as("the tmpfs is full").containsIgnoringCase("space");
          return written;
        }
      }
    }
  }

  /** An idempotent acks=all producer, about 200 records/s over every partition, with default timeouts. */
  private static final class Load implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    volatile String firstFailure = "";
    /** value → offset of each acknowledged record. */
    final Map<String, Long> acked = Collections.synchronizedMap(new HashMap<>());

    @Override
    public void run() {
      Properties p = props(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      // paced by a fixed-rate tick (one send per 5 ms), not by sleeping between sends
      java.util.concurrent.Semaphore tick = new java.util.concurrent.Semaphore(0);
      java.util.concurrent.ScheduledExecutorService pacer = java.util.concurrent.Executors
          .newSingleThreadScheduledExecutor();
      pacer.scheduleAtFixedRate(tick::release, 5, 5, TimeUnit.MILLISECONDS);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
          new StringSerializer())) {
        for (long i = 0; !stop.get(); i++) {
          if (!tick.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            i--;
            continue;
          }
          String value = "v" + i + "-" + "x".repeat(200);
          producer.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), null, value), (md, e) -> {
            if (e != null) {
              failures.add(value);
              firstFailure = e.toString();
            } else {
              acked.put(value, md.offset());
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
  }

  private static void assertEveryAckedRecordOnceAtItsOffset(Map<String, Long> acked) {
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          assertThat(seenAt.put(r.value(), r.offset())).as("duplicate %s", r.value()).isNull();
        }
      }
    }
    synchronized (acked) {
      assertThat(acked).isNotEmpty();
      for (Map.Entry<String, Long> e : acked.entrySet()) {
        assertThat(seenAt.get(e.getKey())).as("acknowledged %s read back at its offset", e.getKey())
            .isEqualTo(e.getValue());
      }
    }
  }

  private static void awaitAcks(Load load, int acks) throws Exception {
    await(Duration.ofSeconds(30), () -> load.acked.size() >= acks || !load.failures.isEmpty(),
        acks + " acknowledged sends");
  }

  private static int led(int node) throws Exception {
    return (int) AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), "chronik_partitions_led", "");
  }

  private static int hosted(int node) throws Exception {
    return (int) AdminHttp.sum(AdminHttp.get(cluster.admin(node), "/metrics").body(), "chronik_partitions",
        "");
  }

  private static void awaitReady(int node) throws Exception {
    await(Duration.ofSeconds(60), () -> {
      try {
        return AdminHttp.get(cluster.admin(node), "/ready").statusCode() == 200;
      } catch (IOException e) {
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

  /** Runs a command to its end; a non-zero exit fails the test loudly (never a skip). */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as("%s (needs root): %s", String.join(" ", command), out).isZero();
    return out;
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
