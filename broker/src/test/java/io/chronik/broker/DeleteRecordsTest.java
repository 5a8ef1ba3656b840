package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AdminClient.deleteRecords on a real broker: the log start moves through the partition's Raft log,
 * ListOffsets(earliest) answers it, a consumer positioned below it is reset by auto.offset.reset,
 * it never moves back, and it survives a restart (from the snapshot plus the log after it).
 */
@Tag("integration")
class DeleteRecordsTest {
  @TempDir
  Path data;

  private static long earliest(Admin admin, TopicPartition tp) throws Exception {
    return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
  }

  private static long deleteBefore(Admin admin, TopicPartition tp, long offset) throws Exception {
    return admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).lowWatermarks().get(tp).get()
        .lowWatermark();
  }

  @Test
  void deleteRecordsMovesTheLogStartForwardOnlyAndConsumersRecover() throws Exception {
    String topic = "trimmed";
    TopicPartition tp = new TopicPartition(topic, 0);
    int port;
    try (BrokerProcess broker = BrokerProcess.start(data, 0, "raft.snapshot.interval.entries=5");
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      port = broker.port();
      ProduceConsumeTest.createTopic(broker.bootstrap(), topic, 1);
      try (KafkaProducer<String, String> p = new KafkaProducer<>(ProduceConsumeTest.producerProps(broker.bootstrap()))) {
        for (int i = 0; i < 100; i++) {
          p.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(); // one entry each: several snapshots
        }
      }
      assertThat(deleteBefore(admin, tp, 40)).isEqualTo(40);
      assertThat(earliest(admin, tp)).isEqualTo(40);
      assertThat(deleteBefore(admin, tp, 20)).as("never backwards").isEqualTo(40);
      assertThatThrownBy(() -> deleteBefore(admin, tp, 1_000)).hasCauseInstanceOf(OffsetOutOfRangeException.class);

      Properties props = ProduceConsumeTest.consumerProps(broker.bootstrap(), null);
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
        c.assign(List.of(tp));
        c.seek(tp, 10); // below the log start: OFFSET_OUT_OF_RANGE, then reset to earliest
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < 60 && System.nanoTime() < deadline) {
          c.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertThat(got).hasSize(60);
        assertThat(got.get(0).offset()).isEqualTo(40);
        assertThat(got.get(0).value()).isEqualTo("v40");
      }
    }
    try (BrokerProcess broker = BrokerProcess.start(data, port, "raft.snapshot.interval.entries=5");
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      // until the partition's leader answers offset lookups
      long start = Eventually.eventually("offset lookup answered after restart", Duration.ofSeconds(30),
          () -> earliest(admin, tp), answered -> true);
      assertThat(start).as("log start after restart").isEqualTo(40);
      assertThat(deleteBefore(admin, tp, 90)).isEqualTo(90);
      assertThat(ProduceConsumeTest.readAll(broker.bootstrap(), tp, 10)).first()
          .satisfies(r -> assertThat(r.offset()).isEqualTo(90));
    }
  }
}
