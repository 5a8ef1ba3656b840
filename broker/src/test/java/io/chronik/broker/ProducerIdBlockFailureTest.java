package io.chronik.broker;

import static io.chronik.broker.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that cannot store its next producer-id block (disk full, I/O error; here a directory stands
 * where the block's temp file goes) answers InitProducerId with the retriable
 * COORDINATOR_LOAD_IN_PROGRESS: an idempotent Java producer keeps retrying and sends once the block can be
 * stored again. UNKNOWN_SERVER_ERROR, the answer before, is fatal to the producer (found by a lab campaign:
 * `disk-full` on every node at a run's start killed both producer processes, and the run checked nothing).
 */
@Tag("integration")
class ProducerIdBlockFailureTest {
  @TempDir
  Path data;

  @Test
  void anIdempotentProducerWaitsOutAnIdBlockThatCannotBeStoredAndThenSends() throws Exception {
    Path blocker = Files.createDirectories(data.resolve("producer-id-block.tmp"));
    Files.writeString(blocker.resolve("keep"), "a directory where the temp file goes: its write fails");
    try (BrokerProcess broker = BrokerProcess.start(data, 0);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("ids", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(ProduceConsumeTest.producerProps(broker.bootstrap()))) {
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("ids", 0, "k", "v"));
        eventually("the node said why it cannot hand out an id", Duration.ofSeconds(30), broker::log,
            l -> l.contains("api=InitProducerId reason=producer-id-block-not-stored"));
        assertThat(sent).isNotDone();

        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker); // space returns
        assertThat(sent.get(30, TimeUnit.SECONDS).offset()).isZero();
      }
    }
  }
}
