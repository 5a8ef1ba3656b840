package io.chronik.control.workload;

import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.KafkaMicroOps;
import io.chronik.verifier.recorder.Worker;
import io.chronik.verifier.report.HistoryChecks;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * The Kafka log workload with the official Kafka Java client, recorded in Jepsen's Kafka op shapes:
 * producers send unique values to partitions ({@code :send}), one consumer polls every partition
 * ({@code :poll}), and after the faults a final reader reads each partition from the beginning to its
 * end offset. Partition numbers are the history's keys. Any error whose effect is unknown is recorded
 * as {@code :info}, so the checker treats it as possibly applied.
 */
public final class KafkaWorkload implements Workload {
  public static final String TOPIC = "chronik-log";
  public static final WorkloadType TYPE = new WorkloadType("kafka",
      "Kafka log: idempotent producers send unique values, a consumer polls every partition (kafka checker)",
      TOPIC, WorkloadSettings::partitions, s -> concurrency(s.producers()),
      (bootstrap, seed, recorder, s) -> new KafkaWorkload(bootstrap, s.partitions(), s.producers(), s.acks(), recorder));
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

  private final String bootstrap;
  private final int partitions;
  private final int producers;
  private final HistoryRecorder recorder;
  private final String acks;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong indeterminate = new AtomicLong();
  private final AtomicLong polledRecords = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param acks the producers' {@code acks}: "all" (idempotent, the default a valid run needs) or
   *     "1" (leader-only acknowledgement, not idempotent: a leader cut off from its quorum can
   *     acknowledge writes that are later truncated, which the checker must report as lost)
   */
  public KafkaWorkload(String bootstrap, int partitions, int producers, String acks, HistoryRecorder recorder) {
    if (!acks.equals("all") && !acks.equals("1")) {
      throw new IllegalArgumentException("acks=" + acks + " reason=expected-all-or-1");
    }
    this.bootstrap = bootstrap;
    this.partitions = partitions;
    this.producers = producers;
    this.acks = acks;
    this.recorder = recorder;
  }

  /** Recorder threads: one per producer, the live consumer, and the final reader. */
  public static int concurrency(int producers) {
    return producers + 2;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String topic() {
    return TOPIC;
  }

  @Override
  public long okCount() {
    return acknowledged.get();
  }

  @Override
  public long errorCount() {
    return indeterminate.get();
  }

  /** Records the live consumer has polled so far. */
  public long polledRecords() {
    return polledRecords.get();
  }

  @Override
  public Verdict check(Path history, Path runDir, boolean finalReadsComplete, PrintWriter out) throws IOException {
    return HistoryChecks.run("kafka", history, runDir, finalReadsComplete, out);
  }

  @Override
  public void start() {
    for (int p = 0; p < producers; p++) {
      int thread = p;
      threads.add(startThread("producer-" + p, () -> produce(thread)));
    }
    threads.add(startThread("consumer", () -> consume(recorder.worker(producers))));
  }

  private static Thread startThread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, acks);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(acks.equals("all")));
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "12000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return p;
  }

  private void produce(int thread) {
    Worker worker = recorder.worker(thread);
    long next = (thread + 1L) * 1_000_000_000L;
    try (KafkaProducer<Long, Long> producer =
        new KafkaProducer<>(producerProps(), new LongSerializer(), new LongSerializer())) {
      while (running.get()) {
        long key = Math.floorMod(next * 31 + thread, partitions);
        long value = next++;
        Invocation inv = worker.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(key, value)));
        try {
          RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, (int) key, key, value))
              .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          inv.ok(List.of(KafkaMicroOps.sent(key, md.offset(), value)));
          acknowledged.incrementAndGet();
        } catch (ExecutionException | TimeoutException e) {
          inv.info(List.of(KafkaMicroOps.send(key, value)), errorName(e));
          indeterminate.incrementAndGet();
        } catch (InterruptedException e) {
          inv.info(List.of(KafkaMicroOps.send(key, value)), "interrupted");
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static String errorName(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName();
  }

  private Properties consumerProps(String clientId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return p;
  }

  private List<TopicPartition> topicPartitions() {
    List<TopicPartition> tps = new ArrayList<>();
    for (int k = 0; k < partitions; k++) {
      tps.add(new TopicPartition(TOPIC, k));
    }
    return tps;
  }

  private long[] keys() {
    long[] keys = new long[partitions];
    for (int k = 0; k < partitions; k++) {
      keys[k] = k;
    }
    return keys;
  }

  private void consume(Worker worker) {
    try (KafkaConsumer<Long, Long> consumer =
        new KafkaConsumer<>(consumerProps("live-reader"), new LongDeserializer(), new LongDeserializer())) {
      assign(worker, consumer);
      while (running.get()) {
        poll(worker, consumer, Duration.ofMillis(200));
      }
    }
  }

  private void assign(Worker worker, KafkaConsumer<Long, Long> consumer) {
    // declared in the history: a checker may take a complete read from the beginning as the log's content
    Invocation inv = worker.invoke(KafkaMicroOps.ASSIGN, KafkaMicroOps.keys(keys()),
        Map.of(KafkaMicroOps.SEEK_TO_BEGINNING, true));
    consumer.assign(topicPartitions());
    consumer.seekToBeginning(topicPartitions());
    inv.ok(KafkaMicroOps.keys(keys()));
  }

  /** One recorded poll; returns the number of records read, or -1 if the poll's outcome is unknown. */
  private int poll(Worker worker, KafkaConsumer<Long, Long> consumer, Duration timeout) {
    Invocation inv = worker.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()));
    try {
      ConsumerRecords<Long, Long> records = consumer.poll(timeout);
      Map<Long, List<long[]>> byKey = new LinkedHashMap<>();
      for (ConsumerRecord<Long, Long> r : records) {
        byKey.computeIfAbsent((long) r.partition(), k -> new ArrayList<>()).add(new long[] {r.offset(), r.value()});
      }
      inv.ok(List.of(KafkaMicroOps.polled(byKey)));
      polledRecords.addAndGet(records.count());
      return records.count();
    } catch (RuntimeException e) {
      inv.info(List.of(KafkaMicroOps.poll()), e.getClass().getSimpleName());
      return -1;
    }
  }

  /**
   * Reads every partition from the beginning up to its end offset as seen once producers stopped.
   * Returns true only when every partition was read to the end within the deadline, which is what
   * makes unacknowledged-but-unseen values a proven error rather than a maybe.
   */
  @Override
  public boolean finalReads(Duration deadline) {
    Worker worker = recorder.worker(producers + 1);
    long until = System.nanoTime() + deadline.toNanos();
    try (KafkaConsumer<Long, Long> consumer =
        new KafkaConsumer<>(consumerProps("final-reader"), new LongDeserializer(), new LongDeserializer())) {
      Map<TopicPartition, Long> end = consumer.endOffsets(topicPartitions(), deadline);
      assign(worker, consumer);
      while (System.nanoTime() < until) {
        poll(worker, consumer, Duration.ofMillis(500));
        boolean done = true;
        for (TopicPartition tp : topicPartitions()) {
          done &= consumer.position(tp, deadline) >= end.getOrDefault(tp, 0L);
        }
        if (done) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
