package io.chronik.control.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code --producers} threads, each with its own KafkaProducer, sending on a shared {@link SendSchedule}.
 * Latency of a record is ack time minus its intended send time (send → ack, open loop), in microseconds.
 */
final class ProduceLoad {
  static final int FIRST_ERRORS_KEPT = 10;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final BenchSettings settings;
  private final SendSchedule schedule;
  /** e2e: the due time is written into the first 8 bytes of each value for the consumer to read. */
  private final boolean stampValues;
  private final List<Thread> threads = new ArrayList<>();

  final AtomicLong sent = new AtomicLong();
  final AtomicLong acked = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong measuredAcked = new AtomicLong();
  final AtomicLong lastMeasuredAckNanos = new AtomicLong();
  /** Every ack, drained each second for the progress line. */
  final Recorder interval = new Recorder(LatencySummary.HIGHEST_MICROS, 3);
  /** Acks of records due after the warm-up, drained into {@link #total}. */
  private final Recorder measured = new Recorder(LatencySummary.HIGHEST_MICROS, 3);
  private final Histogram total = LatencySummary.newHistogram();
  private final List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());

  ProduceLoad(BenchSettings settings, SendSchedule schedule, boolean stampValues) {
    this.settings = settings;
    this.schedule = schedule;
    this.stampValues = stampValues;
  }

  void start() {
    for (int i = 0; i < settings.producers(); i++) {
      Thread t = new Thread(this::sendLoop, "bench-producer-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Waits until every thread has sent its share and closed its producer (which waits for the acks). */
  void awaitDone() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  private void sendLoop() {
    byte[] value = new byte[settings.recordSizeBytes()];
    ThreadLocalRandom.current().nextBytes(value); // incompressible, as ProducerPerformance's payloads
    List<String> topics = settings.topicNames();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings.producerConfig())) {
      try {
        long due;
        long sends = 0;
        while ((due = schedule.claim()) != SendSchedule.DONE) {
          schedule.awaitDue(due);
          sendOne(producer, topics.get((int) (sends++ % topics.size())), value, due);
        }
      } finally {
        producer.close(CLOSE_TIMEOUT); // completes (or fails) every outstanding send, firing its callback
      }
    } catch (RuntimeException e) {
      errors.incrementAndGet(); // e.g. a producer that could not be created: the run must not pass as clean
      error("producer " + Thread.currentThread().getName() + ": " + e);
    }
  }

  private void sendOne(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value, long due) {
    if (stampValues) {
      ByteBuffer.wrap(value).putLong(0, due); // send() copies the value into its batch before returning
    }
    boolean counts = schedule.measured(due);
    sent.incrementAndGet();
    try {
      producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
        long now = System.nanoTime();
        if (e != null) {
          errors.incrementAndGet();
          error(e.toString());
          return;
        }
        long micros = LatencySummary.clampMicros((now - due) / 1000);
        acked.incrementAndGet();
        interval.recordValue(micros);
        if (counts) {
          measured.recordValue(micros);
          measuredAcked.incrementAndGet();
          lastMeasuredAckNanos.accumulateAndGet(now, Math::max);
        }
      });
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      error(e.toString());
    }
  }

  private void error(String text) {
    synchronized (firstErrors) {
      if (firstErrors.size() < FIRST_ERRORS_KEPT) {
        firstErrors.add(text);
      }
    }
  }

  List<String> firstErrors() {
    synchronized (firstErrors) {
      return List.copyOf(firstErrors);
    }
  }

  /** Moves the measured recorder's latest interval into the total; call from one thread only. */
  synchronized void drainMeasured() {
    total.add(measured.getIntervalHistogram());
  }

  /** The result after {@link #awaitDone()}: counts over the whole run, rates and latency over the measured part. */
  synchronized Map<String, Object> result() {
    drainMeasured();
    long windowNanos = Math.max(1, lastMeasuredAckNanos.get() - schedule.warmupEndNanos());
    double seconds = windowNanos / 1e9;
    long measuredCount = measuredAcked.get();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("records", sent.get());
    m.put("acked", acked.get());
    m.put("errors", errors.get());
    m.put("measuredRecords", measuredCount);
    m.put("elapsedSeconds", measuredCount == 0 ? 0.0 : seconds);
    m.put("recordsPerSecond", measuredCount == 0 ? 0.0 : measuredCount / seconds);
    m.put("mbPerSecond", measuredCount == 0 ? 0.0 : measuredCount * (double) settings.recordSizeBytes() / seconds / BenchRun.MB);
    m.put("latencyMs", LatencySummary.of(total).toJson());
    m.put("firstErrors", firstErrors());
    return m;
  }

  LatencySummary latency() {
    synchronized (this) {
      return LatencySummary.of(total);
    }
  }
}
