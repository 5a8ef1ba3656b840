package io.chronik.control.workload.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The register workload's operations on consumer-group offsets with one Kafka Admin client, recorded
 * through a {@link ClientChannel} ({@link RegisterOps} shapes): {@code :write [k v]} is an OffsetCommit
 * of offset v (alterConsumerGroupOffsets: a commit outside any generation, as a standalone consumer
 * makes), {@code :read [k nil]} an OffsetFetch completing as {@code [k v]}. A write whose outcome is not
 * known (timeout, disconnect, coordinator moving) is {@code :info}: it may still take effect. A read
 * that did not complete says nothing and is {@code :fail}, unless it timed out or lost its connection
 * ({@code :info}).
 *
 * <p>As Jepsen's independent workloads do, clients move on to fresh keys every {@link #KEY_GENERATION},
 * which bounds the operations per key and so the linearizability search.
 */
public final class RegisterClient implements AutoCloseable {
  public static final Duration KEY_GENERATION = Duration.ofSeconds(10);
  static final int GROUPS_PER_GENERATION = 2;
  /** Partitions of the register topic: each group's keys are its offsets of these. */
  public static final int PARTITIONS = 2;
  private static final Duration OP_TIMEOUT = Duration.ofSeconds(5);

  /** How one recorded operation went. */
  public enum Outcome {
    /** The channel said stop: nothing was recorded or done. */
    STOPPED,
    OK,
    /** Failed or unknown. */
    NOT_OK
  }

  private final String topic;
  private final Admin admin;

  public RegisterClient(String bootstrap, String topic) {
    this.topic = topic;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(OP_TIMEOUT.toMillis()));
    p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    this.admin = Admin.create(p);
  }

  /** The key {@code [group partition]} a client uses at {@code elapsed} into the run, drawn by {@code random}. */
  public static List<Object> key(Duration elapsed, Random random) {
    long generation = elapsed.toMillis() / KEY_GENERATION.toMillis();
    long group = generation * GROUPS_PER_GENERATION + random.nextInt(GROUPS_PER_GENERATION);
    return List.of("chronik-reg-" + group, (long) random.nextInt(PARTITIONS));
  }

  /** Timeouts and lost connections are the unknowns Jepsen records as :info. */
  public static boolean indeterminate(String error) {
    return error.contains("Timeout") || error.contains("Disconnect") || error.contains("NetworkException");
  }

  /** The client's loop: a write or a read of the current generation's keys, one at a time, until told to stop. */
  void run(RegisterClientSpec spec, ClientChannel channel) {
    Random random = new Random(spec.seed());
    long next = spec.firstValue();
    long end = next + KafkaClientSpec.VALUES_PER_INCARNATION;
    while (next < end) {
      Duration elapsed = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - spec.startMillis()));
      List<Object> key = key(elapsed, random);
      Outcome done = random.nextBoolean() ? write(channel, key, next++) : read(channel, key);
      if (done == Outcome.STOPPED || Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }

  private TopicPartition partition(List<Object> key) {
    return new TopicPartition(topic, ((Long) key.get(1)).intValue());
  }

  /** One recorded OffsetCommit of {@code value}. */
  public Outcome write(ClientChannel channel, List<Object> key, long value) {
    List<Object> tuple = List.of(key, value);
    if (!channel.invoke(RegisterOps.WRITE, tuple, Map.of())) {
      return Outcome.STOPPED;
    }
    try {
      admin.alterConsumerGroupOffsets((String) key.get(0), Map.of(partition(key), new OffsetAndMetadata(value)))
          .all().get(OP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      channel.ok(tuple);
      return Outcome.OK;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // A commit that did not answer may still be applied: never a definite failure.
      channel.info(tuple, ProducerLoop.errorName(e));
    } catch (InterruptedException e) {
      channel.info(tuple, "interrupted");
      Thread.currentThread().interrupt();
    }
    return Outcome.NOT_OK;
  }

  /** One recorded OffsetFetch. */
  public Outcome read(ClientChannel channel, List<Object> key) {
    List<Object> invoked = Arrays.asList(key, null);
    if (!channel.invoke(RegisterOps.READ, invoked, Map.of())) {
      return Outcome.STOPPED;
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets((String) key.get(0))
          .partitionsToOffsetAndMetadata().get(OP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      OffsetAndMetadata committed = offsets.get(partition(key));
      channel.ok(Arrays.asList(key, committed == null ? null : committed.offset()));
      return Outcome.OK;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      String error = ProducerLoop.errorName(e);
      if (indeterminate(error)) {
        channel.info(invoked, error);
      } else {
        channel.fail(invoked, error);
      }
    } catch (InterruptedException e) {
      channel.info(invoked, "interrupted");
      Thread.currentThread().interrupt();
    }
    return Outcome.NOT_OK;
  }

  @Override
  public void close() {
    admin.close();
  }
}
