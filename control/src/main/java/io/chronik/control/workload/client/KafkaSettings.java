package io.chronik.control.workload.client;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The Kafka client configurations of the kafka workload: its producers, its consumers and its final reader. */
public final class KafkaSettings {
  /** The consumer group of subscribing consumers. */
  public static final String GROUP = "chronik-log-readers";

  private KafkaSettings() {}

  /**
   * @param acks "all" (idempotent) or "1" (leader-only acknowledgement, not idempotent: a leader cut
   *     off from its quorum can acknowledge writes that are later truncated)
   */
  public static Properties producer(String bootstrap, String acks) {
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

  /** A consumer that assigns its partitions itself and never commits. */
  public static Properties consumer(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return p;
  }

  /**
   * A member of {@code group} (subscribe): it commits what it polled itself. A killed member is
   * expelled after the broker's smallest session timeout (6 s), which rebalances its partitions to
   * the others; a member that stops polling for 15 s is expelled too.
   */
  public static Properties groupMember(String bootstrap, String clientId, String group) {
    Properties p = consumer(bootstrap, clientId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "15000");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    return p;
  }
}
