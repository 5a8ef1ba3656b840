package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class AdminAndRestartTest {
  @TempDir
  Path data;

  @Test
  void adminCreatesDescribesGrowsAndDeletesTopics() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(data, 0);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
      assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get())
          .hasCauseInstanceOf(TopicExistsException.class);
      assertThat(admin.listTopics().names().get()).contains("orders");
      TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
      assertThat(d.partitions()).hasSize(2);
      assertThat(d.topicId()).isNotNull();
      assertThat(d.partitions().get(0).leader().id()).isEqualTo(1);

      admin.createPartitions(Map.of("orders", NewPartitions.increaseTo(5))).all().get();
      assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions())
          .hasSize(5);

      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
      Config cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertThat(cfg.get("cleanup.policy").value()).isEqualTo("delete");
      assertThat(admin.describeCluster().nodes().get()).hasSize(1);

      admin.deleteTopics(List.of("orders")).all().get();
      assertThat(admin.listTopics().names().get()).doesNotContain("orders");
      assertThatThrownBy(() -> admin.describeTopics(List.of("orders")).allTopicNames().get())
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
  }

  @Test
  void dataAndCommittedOffsetsSurviveRestart() throws Exception {
    int port;
    String topic = "durable";
    try (BrokerProcess broker = BrokerProcess.start(data, 0)) {
      port = broker.port();
      ProduceConsumeTest.createTopic(broker.bootstrap(), topic, 1);
      try (KafkaProducer<String, String> p = new KafkaProducer<>(ProduceConsumeTest.producerProps(broker.bootstrap()))) {
        for (int i = 0; i < 100; i++) {
          p.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        p.flush();
      }
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(groupProps(broker.bootstrap()))) {
        c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(40, "half")));
      }
    }
    try (BrokerProcess broker = BrokerProcess.start(data, port)) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(groupProps(broker.bootstrap()))) {
        TopicPartition tp = new TopicPartition(topic, 0);
        OffsetAndMetadata committed = c.committed(Set.of(tp)).get(tp);
        assertThat(committed.offset()).isEqualTo(40);
        assertThat(committed.metadata()).isEqualTo("half");
        c.subscribe(List.of(topic));
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < 60 && System.nanoTime() < deadline) {
          c.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertThat(got).hasSize(60);
        assertThat(got.get(0).offset()).isEqualTo(40);
        assertThat(got.get(0).value()).isEqualTo("v40");
        assertThat(got.get(59).value()).isEqualTo("v99");
      }
      assertThat(ProduceConsumeTest.readAll(broker.bootstrap(), new TopicPartition(topic, 0), 100)).hasSize(100);
    }
  }

  private static Properties groupProps(String bootstrap) {
    Properties p = ProduceConsumeTest.consumerProps(bootstrap, "restart-group");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }
}
