package io.chronik.control.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One consumer on every partition of the topic. {@code consume} mode reads from the beginning and
 * measures throughput; {@code e2e} mode starts at the end (positions fixed before any producer sends)
 * and measures produce → consume latency from the due time stamped in each value by {@link ProduceLoad}.
 */
final class ConsumeLoad {
  private static final Duration POLL = Duration.ofMillis(100);

  private final BenchSettings settings;
  private final boolean e2e;
  private volatile long warmupEndNanos;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile long targetRecords = Long.MAX_VALUE;
  private volatile long deadlineNanos = Long.MAX_VALUE;
  private volatile Throwable failure;

  final AtomicLong consumed = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong measuredConsumed = new AtomicLong();
  /** When polling began: consume throughput is records over [first poll, last record] (a group join counts). */
  private volatile long firstNanos;
  private volatile long lastNanos;
  final Recorder interval = new Recorder(LatencySummary.HIGHEST_MICROS, 3);
  private final Recorder measured = new Recorder(LatencySummary.HIGHEST_MICROS, 3);
  private final Histogram total = LatencySummary.newHistogram();

  /**
   * Creates the consumer and fixes its start positions now, on the calling thread, so that in e2e
   * mode every record produced after this returns is read. The consumer is then handed to the
   * polling thread by {@link #start} (Thread.start orders the two; the client is never used by both).
   */
  ConsumeLoad(BenchSettings settings, boolean e2e) throws InterruptedException {
    this.settings = settings;
    this.e2e = e2e;
    this.consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::pollLoop, "bench-consumer");
    thread.setDaemon(true);
    try {
      position();
    } catch (RuntimeException | InterruptedException e) {
      consumer.close();
      throw e;
    }
  }

  private Properties consumerConfig() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, e2e ? "latest" : "earliest");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(settings.fetchMaxWaitMs()));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    if (settings.group() != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
    }
    return p;
  }

  private void position() throws InterruptedException {
    List<TopicPartition> parts = partitions();
    if (settings.group() != null && !e2e) {
      consumer.subscribe(List.of(settings.topic()));
      return;
    }
    consumer.assign(parts);
    if (e2e) {
      consumer.seekToEnd(parts);
    } else {
      consumer.seekToBeginning(parts);
    }
    parts.forEach(consumer::position); // resolves the lazy seek now, before any record is produced
  }

  /** The topic's partitions; asking also auto-creates the topic where the broker allows it. */
  private List<TopicPartition> partitions() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(settings.topic(), Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        return parts;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic=" + settings.topic() + " reason=no partitions after 30s");
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Sum of end minus start offsets now: what {@code consume} reads when no record count is given. */
  long available() {
    List<TopicPartition> parts = new ArrayList<>(consumer.assignment());
    if (parts.isEmpty()) {
      return Long.MAX_VALUE;
    }
    Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(parts);
    return parts.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
  }

  /** e2e: records stamped with a due time before {@code nanos} are the warm-up and are not measured. */
  void start(long warmupEnd) {
    this.warmupEndNanos = warmupEnd;
    thread.start();
  }

  /** Stop once {@code records} are read or at {@code deadline} (clock nanos), whichever comes first. */
  void finishAt(long records, long deadline) {
    targetRecords = records;
    deadlineNanos = deadline;
  }

  void awaitDone() throws InterruptedException {
    thread.join();
    if (failure != null) {
      throw new IllegalStateException("consumer failed: " + failure, failure);
    }
  }

  boolean isDone() {
    return !thread.isAlive();
  }

  private void pollLoop() {
    try (consumer) {
      firstNanos = System.nanoTime();
      while (consumed.get() < targetRecords && System.nanoTime() < deadlineNanos) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        long now = System.nanoTime();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (consumed.get() >= targetRecords) {
            break; // a poll may return more than asked for; those are not counted
          }
          take(r, now);
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> r, long now) {
    consumed.incrementAndGet();
    lastNanos = now;
    int size = r.value() == null ? 0 : r.value().length;
    bytes.addAndGet(size);
    if (e2e && size >= BenchSettings.STAMP_BYTES) {
      long due = ByteBuffer.wrap(r.value()).getLong(0);
      long micros = LatencySummary.clampMicros((now - due) / 1000);
      interval.recordValue(micros);
      if (due >= warmupEndNanos) {
        measured.recordValue(micros);
        measuredConsumed.incrementAndGet();
      }
    } else if (!e2e) {
      measuredConsumed.incrementAndGet();
    }
  }

  synchronized void drainMeasured() {
    total.add(measured.getIntervalHistogram());
  }

  synchronized Map<String, Object> result() {
    drainMeasured();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("consumed", consumed.get());
    m.put("bytes", bytes.get());
    if (e2e) {
      m.put("measuredRecords", measuredConsumed.get());
      m.put("latencyMs", LatencySummary.of(total).toJson());
    } else {
      double seconds = Math.max(1, lastNanos - firstNanos) / 1e9;
      boolean any = consumed.get() > 0;
      m.put("elapsedSeconds", any ? seconds : 0.0);
      m.put("recordsPerSecond", any ? consumed.get() / seconds : 0.0);
      m.put("mbPerSecond", any ? bytes.get() / seconds / BenchRun.MB : 0.0);
    }
    return m;
  }

  synchronized LatencySummary latency() {
    return LatencySummary.of(total);
  }
}
