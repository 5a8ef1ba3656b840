package io.chronik.control.workload.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One client of the kafka workload, whether a thread of the control node or its own process (then
 * passed as {@code key=value} arguments to {@link ClientMain}). Producers send values from
 * {@code firstValue} on, at most {@link #VALUES_PER_INCARNATION} of them, so values stay unique over
 * every client and every restart of it.
 *
 * @param slot the client's place in the workload (producers 0..N-1, then consumers): its history thread
 * @param subscribe consumers only: join {@code group} and let it assign partitions (else assign them all)
 */
public record KafkaClientSpec(Role role, String name, String bootstrap, String topic, int partitions, String acks,
    int slot, long firstValue, boolean subscribe, String group) implements ClientSpec {
  /** What the client does. */
  public enum Role { PRODUCER, CONSUMER }

  /** Values one incarnation of a producer may send; restarts move on to the next block. */
  public static final long VALUES_PER_INCARNATION = 10_000_000L;
  /** Values of one producer slot over all its incarnations. */
  public static final long VALUES_PER_SLOT = 1_000_000_000L;

  private static final List<String> KEYS = List.of("role", "name", "bootstrap", "topic", "partitions", "acks", "slot",
      "first-value", "subscribe", "group");

  public KafkaClientSpec {
    if (partitions < 1 || slot < 0) {
      throw new IllegalArgumentException("client=" + name + " partitions=" + partitions + " slot=" + slot
          + " reason=need partitions>=1 slot>=0");
    }
  }

  /** The first value of a producer's {@code incarnation}-th process (0 for the first). */
  public static long firstValue(int slot, int incarnation) {
    if (incarnation < 0 || incarnation >= VALUES_PER_SLOT / VALUES_PER_INCARNATION) {
      throw new IllegalArgumentException("slot=" + slot + " incarnation=" + incarnation + " reason=value-range-exhausted");
    }
    return (slot + 1L) * VALUES_PER_SLOT + incarnation * VALUES_PER_INCARNATION;
  }

  public KafkaClientSpec withFirstValue(long value) {
    return new KafkaClientSpec(role, name, bootstrap, topic, partitions, acks, slot, value, subscribe, group);
  }

  @Override
  public String describe() {
    return "role=" + role.name().toLowerCase(Locale.ROOT) + " first-value=" + firstValue;
  }

  /** The arguments {@link #parse} reads back. */
  @Override
  public List<String> args() {
    List<String> args = new ArrayList<>();
    args.add("role=" + role.name().toLowerCase(Locale.ROOT));
    args.add("name=" + name);
    args.add("bootstrap=" + bootstrap);
    args.add("topic=" + topic);
    args.add("partitions=" + partitions);
    args.add("acks=" + acks);
    args.add("slot=" + slot);
    args.add("first-value=" + firstValue);
    args.add("subscribe=" + subscribe);
    args.add("group=" + group);
    return args;
  }

  /** Reads {@link #args}; throws with {@code key=value} reasons on anything else. */
  public static KafkaClientSpec parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      if (eq < 0 || !KEYS.contains(key)) {
        throw new IllegalArgumentException("arg=" + arg + " reason=expected-key=value known=" + KEYS);
      }
      m.put(key, arg.substring(eq + 1));
    }
    for (String key : KEYS) {
      if (!m.containsKey(key)) {
        throw new IllegalArgumentException("key=" + key + " reason=missing");
      }
    }
    Role role;
    try {
      role = Role.valueOf(m.get("role").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role=" + m.get("role") + " reason=expected-producer-or-consumer", e);
    }
    try {
      return new KafkaClientSpec(role, m.get("name"), m.get("bootstrap"), m.get("topic"),
          Integer.parseInt(m.get("partitions")), m.get("acks"), Integer.parseInt(m.get("slot")),
          Long.parseLong(m.get("first-value")), Boolean.parseBoolean(m.get("subscribe")), m.get("group"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("args=" + m + " reason=not-a-number error=" + e.getMessage(), e);
    }
  }

  /** Runs the client's operations through {@code channel} until it says stop. */
  @Override
  public void run(ClientChannel channel) {
    if (role == Role.PRODUCER) {
      new ProducerLoop(this, channel).run();
    } else {
      new ConsumerLoop(this, channel).run();
    }
  }
}
