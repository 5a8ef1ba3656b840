package io.chronik.broker.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Validated broker settings. Every key has a default; unknown keys and bad values are rejected
 * with {@code key=… value=… reason=…} before anything starts. docs/BROKER.md documents each key.
 */
public final class BrokerConfig {

  /** One setting: name, default and bounds (longs cover ints, booleans and strings are special). */
  private record Key(String name, String defaultValue, long min, long max, Kind kind) {}

  private enum Kind { LONG, BOOL, STRING, TRANSPORT }

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    key("node.id", "1", 0, Integer.MAX_VALUE, Kind.LONG);
    key("listener.host", "127.0.0.1", 0, 0, Kind.STRING);
    key("listener.port", "9092", 0, 65535, Kind.LONG);
    key("advertised.host", "", 0, 0, Kind.STRING);
    key("data.dir", "chronik-data", 0, 0, Kind.STRING);
    key("transport", "auto", 0, 0, Kind.TRANSPORT);
    key("io.threads", "2", 1, 64, Kind.LONG);
    key("request.bytes.max", "16777216", 1024, 1L << 30, Kind.LONG);
    key("connection.inflight.requests.max", "16", 1, 1024, Kind.LONG);
    key("message.bytes.max", "1048588", 64, 1L << 30, Kind.LONG);
    key("log.segment.bytes", "16777216", 1L << 20, 1L << 30, Kind.LONG);
    key("log.segment.preallocate", "false", 0, 0, Kind.BOOL);
    key("fetch.response.bytes.max", "16777216", 1024, 1L << 30, Kind.LONG);
    key("auto.create.topics.enable", "true", 0, 0, Kind.BOOL);
    key("num.partitions", "1", 1, 10000, Kind.LONG);
    key("partitions.max", "10000", 1, 100000, Kind.LONG);
    key("group.session.timeout.min.ms", "6000", 1, Integer.MAX_VALUE, Kind.LONG);
    key("group.session.timeout.max.ms", "1800000", 1, Integer.MAX_VALUE, Kind.LONG);
    key("group.initial.rebalance.delay.ms", "3000", 0, Integer.MAX_VALUE, Kind.LONG);
    key("offset.metadata.bytes.max", "4096", 0, 1 << 20, Kind.LONG);
    key("producer.id.block.size", "1000", 1, 1_000_000, Kind.LONG);
    key("metrics.log.interval.ms", "60000", 0, Integer.MAX_VALUE, Kind.LONG);
    key("cluster.nodes", "", 0, 0, Kind.STRING);
    key("replication.factor", "3", 1, 7, Kind.LONG);
    key("raft.tick.ms", "20", 1, 10_000, Kind.LONG);
    key("raft.election.ticks", "15", 2, 100_000, Kind.LONG);
    key("raft.heartbeat.ticks", "3", 1, 100_000, Kind.LONG);
    key("leader.balance.interval.ms", "1000", 0, Integer.MAX_VALUE, Kind.LONG);
    key("raft.quiesce", "true", 0, 0, Kind.BOOL);
    key("admin.host", "", 0, 0, Kind.STRING); // empty: listener.host
    key("admin.port", "9644", -1, 65535, Kind.LONG); // -1: no admin port; 0: any free port
    key("metrics.partition.series", "true", 0, 0, Kind.BOOL);
    key("replica.lag.entries.max", "1000", 0, Integer.MAX_VALUE, Kind.LONG);
  }

  private static void key(String name, String def, long min, long max, Kind kind) {
    KEYS.put(name, new Key(name, def, min, max, kind));
  }

  private final Map<String, String> values;

  private BrokerConfig(Map<String, String> values) {
    this.values = values;
  }

  /** Validates {@code props} (file contents with overrides already applied). */
  public static BrokerConfig parse(Properties props) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Key k : KEYS.values()) {
      values.put(k.name, k.defaultValue);
    }
    for (String name : props.stringPropertyNames()) {
      String value = props.getProperty(name).trim();
      Key k = KEYS.get(name);
      if (k == null) {
        throw new IllegalArgumentException(describe(name, value, "unknown-key"));
      }
      validate(k, value);
      values.put(name, value);
    }
    BrokerConfig c = new BrokerConfig(values);
    if (c.intValue("group.session.timeout.min.ms") > c.intValue("group.session.timeout.max.ms")) {
      throw new IllegalArgumentException(describe("group.session.timeout.min.ms",
          values.get("group.session.timeout.min.ms"), "greater than group.session.timeout.max.ms"));
    }
    if (c.intValue("message.bytes.max") > c.intValue("log.segment.bytes") - SEGMENT_FRAME_BYTES_MAX) {
      throw new IllegalArgumentException(describe("message.bytes.max", values.get("message.bytes.max"),
          "must be at most log.segment.bytes - " + SEGMENT_FRAME_BYTES_MAX));
    }
    if (c.intValue("raft.heartbeat.ticks") >= c.intValue("raft.election.ticks")) {
      throw new IllegalArgumentException(describe("raft.heartbeat.ticks", values.get("raft.heartbeat.ticks"),
          "must be less than raft.election.ticks"));
    }
    c.clusterNodes();
    return c;
  }

  /**
   * The cluster's members from {@code cluster.nodes} ({@code id@host:kafkaPort:raftPort,...}); when the
   * key is empty, a cluster of this node alone (no peer listener). The list must name {@code node.id}.
   */
  public ClusterNodes clusterNodes() {
    String spec = string("cluster.nodes");
    if (spec.isEmpty()) {
      return ClusterNodes.single(nodeId(), string("listener.host"), intValue("listener.port"));
    }
    ClusterNodes nodes;
    try {
      nodes = ClusterNodes.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe("cluster.nodes", spec, e.getMessage()));
    }
    if (nodes.node(nodeId()) == null) {
      throw new IllegalArgumentException(describe("cluster.nodes", spec, "does not name node.id=" + nodeId()));
    }
    return nodes;
  }

  /** Room left for the storage's per-entry frame header: a batch never spans segments. */
  private static final int SEGMENT_FRAME_BYTES_MAX = 64;

  private static void validate(Key k, String value) {
    switch (k.kind) {
      case LONG -> {
        long v;
        try {
          v = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(describe(k.name, value, "not-an-integer"));
        }
        if (v < k.min || v > k.max) {
          throw new IllegalArgumentException(describe(k.name, value,
              "out-of-range min=" + k.min + " max=" + k.max));
        }
      }
      case BOOL -> {
        if (!value.equals("true") && !value.equals("false")) {
          throw new IllegalArgumentException(describe(k.name, value, "expected true or false"));
        }
      }
      case TRANSPORT -> {
        if (!value.equals("auto") && !value.equals("epoll") && !value.equals("nio")) {
          throw new IllegalArgumentException(describe(k.name, value, "expected auto, epoll or nio"));
        }
      }
      case STRING -> {
        if (k.name.equals("data.dir") && value.isEmpty()) {
          throw new IllegalArgumentException(describe(k.name, value, "must not be empty"));
        }
      }
      default -> throw new IllegalStateException(k.kind.toString());
    }
  }

  private static String describe(String key, String value, String reason) {
    return "key=" + key + " value=" + value + " reason=" + reason;
  }

  public static Iterable<String> keyNames() {
    return KEYS.keySet();
  }

  public String string(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("key=" + key + " reason=unknown-key");
    }
    return v;
  }

  public int intValue(String key) {
    return Math.toIntExact(Long.parseLong(string(key)));
  }

  public boolean bool(String key) {
    return Boolean.parseBoolean(string(key));
  }

  public int nodeId() {
    return intValue("node.id");
  }

  public Path dataDir() {
    return Path.of(string("data.dir"));
  }

  /** All effective values, for logging at start. */
  public Map<String, String> values() {
    return Map.copyOf(values);
  }
}
