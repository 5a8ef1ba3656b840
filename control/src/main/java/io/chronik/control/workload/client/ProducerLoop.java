package io.chronik.control.workload.client;

import io.chronik.verifier.recorder.KafkaMicroOps;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * A producer of the kafka workload: sends unique values, one at a time, each to the partition its
 * value picks ({@code :send}); an error whose effect is unknown is {@code :info}.
 */
final class ProducerLoop {
  static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaClientSpec spec;
  private final ClientChannel channel;

  ProducerLoop(KafkaClientSpec spec, ClientChannel channel) {
    this.spec = spec;
    this.channel = channel;
  }

  void run() {
    long next = spec.firstValue();
    long end = next + KafkaClientSpec.VALUES_PER_INCARNATION;
    KafkaProducer<Long, Long> producer = new KafkaProducer<>(KafkaSettings.producer(spec.bootstrap(), spec.acks()),
        new LongSerializer(), new LongSerializer());
    try {
      while (next < end) {
        long key = Math.floorMod(next * 31 + spec.slot(), spec.partitions());
        long value = next++;
        if (!channel.invoke(KafkaMicroOps.SEND, List.of(KafkaMicroOps.send(key, value)), Map.of())) {
          return;
        }
        try {
          RecordMetadata md = producer.send(new ProducerRecord<>(spec.topic(), (int) key, key, value))
              .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          channel.ok(List.of(KafkaMicroOps.sent(key, md.offset(), value)));
        } catch (ExecutionException | TimeoutException e) {
          channel.info(List.of(KafkaMicroOps.send(key, value)), errorName(e));
        } catch (InterruptedException e) {
          channel.info(List.of(KafkaMicroOps.send(key, value)), "interrupted");
          Thread.currentThread().interrupt();
          return;
        }
      }
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }

  static String errorName(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName();
  }
}
