package io.chronik.raft.simulation;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated state machine of the simulation: a map from key to (value, index of the write that
 * set it). A write payload is {@code "client:op:key:value"}; an empty payload is a leader no-op.
 */
final class KvStore {

  record Value(String value, long index) {}

  private final TreeMap<String, Value> data = new TreeMap<>();
  long applied;

  static byte[] write(int client, long op, String key, String value) {
    return (client + ":" + op + ":" + key + ":" + value).getBytes(StandardCharsets.UTF_8);
  }

  /** Applies a normal entry; returns "client:op" of the write it contained, or null for a no-op. */
  String apply(long index, byte[] payload) {
    applied = index;
    if (payload.length == 0) {
      return null;
    }
    String[] f = new String(payload, StandardCharsets.UTF_8).split(":", 4);
    data.put(f[2], new Value(f[3], index));
    return f[0] + ":" + f[1];
  }

  static String opKey(byte[] payload) {
    if (payload.length == 0) {
      return null;
    }
    String[] f = new String(payload, StandardCharsets.UTF_8).split(":", 4);
    return f[0] + ":" + f[1];
  }

  Value get(String key) {
    return data.getOrDefault(key, new Value("", 0));
  }

  byte[] snapshot() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Value> e : data.entrySet()) {
      sb.append(e.getKey()).append('\u0001').append(e.getValue().value()).append('\u0001')
          .append(e.getValue().index()).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  void restore(byte[] snapshot, long index) {
    data.clear();
    for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        String[] f = line.split("\u0001", 3);
        data.put(f[0], new Value(f[1], Long.parseLong(f[2])));
      }
    }
    applied = index;
  }
}
