package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("integration")
class ProduceConsumeTest {
  @TempDir
  static Path data;
  static BrokerProcess broker;

  @BeforeAll
  static void start() throws Exception {
    broker = BrokerProcess.start(data, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  static Properties consumerProps(String bootstrap, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return p;
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
  }

  /** Reads exactly {@code count} records of one partition from the beginning (no group). */
  static List<ConsumerRecord<String, String>> readAll(String bootstrap, TopicPartition tp, int count) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bootstrap, null))) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void idempotentProducerWithDefaultsRoundTripsInOrder() throws Exception {
    String topic = "defaults";
    createTopic(broker.bootstrap(), topic, 1);
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps(broker.bootstrap()))) {
      for (int i = 0; i < 2000; i++) {
        acks.add(p.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
      }
      p.flush();
    }
    for (int i = 0; i < acks.size(); i++) {
      assertThat(acks.get(i).get().offset()).isEqualTo(i);
    }
    List<ConsumerRecord<String, String>> got = readAll(broker.bootstrap(), new TopicPartition(topic, 0), 2000);
    assertThat(got).hasSize(2000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i).offset()).isEqualTo(i);
      assertThat(got.get(i).key()).isEqualTo("k" + i);
      assertThat(got.get(i).value()).isEqualTo("v" + i);
    }
  }

  @Test
  void transactionalProducerIsRefusedNotIgnored() {
    Properties props = producerProps(broker.bootstrap());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      assertThatThrownBy(p::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
    }
  }

  @ParameterizedTest(name = "acks={0} compression={1}")
  @CsvSource({"0,none", "1,gzip", "all,snappy", "all,lz4", "1,zstd", "all,none"})
  void everyAcksAndCompressionRoundTrips(String acks, String compression) throws Exception {
    String topic = "c-" + acks + "-" + compression;
    createTopic(broker.bootstrap(), topic, 1);
    Properties props = producerProps(broker.bootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, acks);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    if (!acks.equals("all")) {
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    }
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    int n = 500;
    try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
      for (int i = 0; i < n; i++) {
        p.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i + "-" + "x".repeat(i % 50)));
      }
      p.flush();
    }
    List<ConsumerRecord<String, String>> got = readAll(broker.bootstrap(), new TopicPartition(topic, 0), n);
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i).key()).isEqualTo("key-" + i);
      assertThat(got.get(i).value()).isEqualTo("value-" + i + "-" + "x".repeat(i % 50));
    }
  }
}
