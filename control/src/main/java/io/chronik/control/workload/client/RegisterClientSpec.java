package io.chronik.control.workload.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client of the register workload, whether a thread of the control node or its own process
 * ({@code role=register} arguments to {@link ClientMain}). It writes values from {@code firstValue}
 * on (the same blocks as the kafka producers', so values stay unique over every client and every
 * restart of it) and draws keys and operations from {@code seed}.
 *
 * @param slot the client's place in the workload (0..N-1): its history thread
 * @param startMillis the workload's start (wall clock, ms since the epoch): keys move on every
 *     {@link RegisterClient#KEY_GENERATION} since then, for every client and every restart alike. The
 *     wall clock because it is the one clock separate processes share; the clients run on the control
 *     machine, whose clock no fault touches (clock faults skew brokers only).
 */
public record RegisterClientSpec(String name, String bootstrap, String topic, int slot, long seed, long firstValue,
    long startMillis) implements ClientSpec {
  /** The {@code role} argument of a register client. */
  public static final String ROLE = "register";

  private static final List<String> KEYS = List.of("role", "name", "bootstrap", "topic", "slot", "seed",
      "first-value", "start-ms");

  public RegisterClientSpec {
    if (slot < 0) {
      throw new IllegalArgumentException("client=" + name + " slot=" + slot + " reason=need slot>=0");
    }
  }

  /** The first value of the {@code incarnation}-th process of the client in {@code slot} (0 for the first). */
  public static long firstValue(int slot, int incarnation) {
    return KafkaClientSpec.firstValue(slot, incarnation);
  }

  /**
   * The seed of the {@code incarnation}-th process of the client in {@code slot}: the first as the
   * client threads always drew ({@code seed·31 + slot}), restarts each their own, so a restart does not
   * replay its predecessor's choices.
   */
  public static long seed(long runSeed, int slot, int incarnation) {
    return (runSeed * 31 + slot) ^ (incarnation * 0x9E3779B97F4A7C15L);
  }

  @Override
  public String describe() {
    return "role=" + ROLE + " first-value=" + firstValue;
  }

  @Override
  public List<String> args() {
    List<String> args = new ArrayList<>();
    args.add("role=" + ROLE);
    args.add("name=" + name);
    args.add("bootstrap=" + bootstrap);
    args.add("topic=" + topic);
    args.add("slot=" + slot);
    args.add("seed=" + seed);
    args.add("first-value=" + firstValue);
    args.add("start-ms=" + startMillis);
    return args;
  }

  /** Reads {@link #args}; throws with {@code key=value} reasons on anything else. */
  public static RegisterClientSpec parse(String[] args) {
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
    if (!m.get("role").equals(ROLE)) {
      throw new IllegalArgumentException("role=" + m.get("role") + " reason=expected-" + ROLE);
    }
    try {
      return new RegisterClientSpec(m.get("name"), m.get("bootstrap"), m.get("topic"), Integer.parseInt(m.get("slot")),
          Long.parseLong(m.get("seed")), Long.parseLong(m.get("first-value")), Long.parseLong(m.get("start-ms")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("args=" + m + " reason=not-a-number error=" + e.getMessage(), e);
    }
  }

  @Override
  public void run(ClientChannel channel) {
    try (RegisterClient client = new RegisterClient(bootstrap, topic)) {
      client.run(this, channel);
    }
  }
}
