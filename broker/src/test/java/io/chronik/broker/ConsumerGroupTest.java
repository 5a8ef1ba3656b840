package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classic group protocol with several members: rebalances on join and on leave. */
@Tag("integration")
class ConsumerGroupTest {
  @TempDir
  Path data;

  private static void pollUntil(List<KafkaConsumer<String, String>> consumers, BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (KafkaConsumer<String, String> c : consumers) {
        c.poll(Duration.ofMillis(50));
      }
      if (done.getAsBoolean()) {
        return;
      }
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static boolean balanced(List<KafkaConsumer<String, String>> consumers, int partitions) {
    Set<TopicPartition> all = new HashSet<>();
    int total = 0;
    for (KafkaConsumer<String, String> c : consumers) {
      Set<TopicPartition> a = c.assignment();
      if (a.size() < partitions / consumers.size()) {
        return false;
      }
      total += a.size();
      all.addAll(a);
    }
    return all.size() == partitions && total == partitions;
  }

  private static KafkaConsumer<String, String> member(String bootstrap) {
    var p = ProduceConsumeTest.consumerProps(bootstrap, "g1");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
    c.subscribe(List.of("grouped"));
    return c;
  }

  @Test
  void membersRebalanceOnJoinAndLeave() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(data, 0)) {
      ProduceConsumeTest.createTopic(broker.bootstrap(), "grouped", 6);
      List<KafkaConsumer<String, String>> members = new ArrayList<>();
      try {
        members.add(member(broker.bootstrap()));
        pollUntil(members, () -> balanced(members, 6), "one member owning all 6 partitions");
        members.add(member(broker.bootstrap()));
        pollUntil(members, () -> balanced(members, 6), "two members with 3 partitions each");
        members.add(member(broker.bootstrap()));
        pollUntil(members, () -> balanced(members, 6), "three members with 2 partitions each");
        for (KafkaConsumer<String, String> c : members) {
          assertThat(c.assignment()).hasSize(2);
        }
        members.remove(0).close();
        pollUntil(members, () -> balanced(members, 6), "two remaining members taking over all partitions");
      } finally {
        members.forEach(KafkaConsumer::close);
      }
    }
  }
}
