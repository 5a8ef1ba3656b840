package io.chronik.control.workload.client;

import io.chronik.verifier.recorder.KafkaMicroOps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live consumer of the kafka workload. Assigning, it takes every partition from the beginning
 * ({@code :assign} with {@code :seek-to-beginning? true}); subscribing, it joins the workload's group,
 * which hands it partitions and moves them when members come and go ({@code :subscribe}), and it
 * commits what each poll returned (outside the recorded poll: a lost commit only means its partitions'
 * next owner reads them again). Then it polls ({@code :poll}) until told to stop.
 */
final class ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration COMMIT = Duration.ofSeconds(5);

  private final KafkaClientSpec spec;
  private final ClientChannel channel;

  ConsumerLoop(KafkaClientSpec spec, ClientChannel channel) {
    this.spec = spec;
    this.channel = channel;
  }

  void run() {
    KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(spec.subscribe()
        ? KafkaSettings.groupMember(spec.bootstrap(), spec.name(), spec.group())
        : KafkaSettings.consumer(spec.bootstrap(), spec.name()), new LongDeserializer(), new LongDeserializer());
    try {
      if (!(spec.subscribe() ? subscribe(consumer) : assign(consumer))) {
        return;
      }
      while (poll(consumer)) {
        // each poll is one recorded operation
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private List<Object> keys() {
    long[] keys = new long[spec.partitions()];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = k;
    }
    return KafkaMicroOps.keys(keys);
  }

  private List<TopicPartition> topicPartitions() {
    List<TopicPartition> tps = new ArrayList<>();
    for (int k = 0; k < spec.partitions(); k++) {
      tps.add(new TopicPartition(spec.topic(), k));
    }
    return tps;
  }

  private boolean assign(KafkaConsumer<Long, Long> consumer) {
    // declared in the history: a checker may take a complete read from the beginning as the log's content
    if (!channel.invoke(KafkaMicroOps.ASSIGN, keys(), Map.of(KafkaMicroOps.SEEK_TO_BEGINNING, true))) {
      return false;
    }
    consumer.assign(topicPartitions());
    consumer.seekToBeginning(topicPartitions());
    channel.ok(keys());
    return true;
  }

  private boolean subscribe(KafkaConsumer<Long, Long> consumer) {
    if (!channel.invoke(KafkaMicroOps.SUBSCRIBE, keys(), Map.of())) {
      return false;
    }
    consumer.subscribe(List.of(spec.topic()));
    channel.ok(keys());
    return true;
  }

  /** One recorded poll (then, subscribed, a commit of what it read); false when told to stop. */
  private boolean poll(KafkaConsumer<Long, Long> consumer) {
    if (!channel.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()), Map.of())) {
      return false;
    }
    ConsumerRecords<Long, Long> records;
    try {
      records = consumer.poll(POLL);
    } catch (RuntimeException e) {
      channel.info(List.of(KafkaMicroOps.poll()), e.getClass().getSimpleName());
      return true;
    }
    Map<Long, List<long[]>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<Long, Long> r : records) {
      byKey.computeIfAbsent((long) r.partition(), k -> new ArrayList<>()).add(new long[] {r.offset(), r.value()});
    }
    channel.ok(List.of(KafkaMicroOps.polled(byKey)));
    if (spec.subscribe() && !records.isEmpty()) {
      try {
        consumer.commitSync(COMMIT);
      } catch (RuntimeException e) {
        // rebalanced away or coordinator moving: the next owner reads these records again
        LOG.info("client={} reason=commit-failed error={}", spec.name(), e.toString());
      }
    }
    return true;
  }
}
