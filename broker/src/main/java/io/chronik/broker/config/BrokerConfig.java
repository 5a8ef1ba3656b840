package io.chronik.broker.config;

import static io.chronik.broker.config.BrokerSettings.GROUP_SESSION_TIMEOUT_MAX_MS;
import static io.chronik.broker.config.BrokerSettings.GROUP_SESSION_TIMEOUT_MIN_MS;
import static io.chronik.broker.config.BrokerSettings.LOG_SEGMENT_BYTES;
import static io.chronik.broker.config.BrokerSettings.MESSAGE_BYTES_MAX;
import static io.chronik.broker.config.BrokerSettings.RAFT_ELECTION_TICKS;
import static io.chronik.broker.config.BrokerSettings.RAFT_HEARTBEAT_TICKS;
import static io.chronik.broker.config.BrokerSettings.SHUTDOWN_HANDOFF_TIMEOUT_MS;
import static io.chronik.broker.config.BrokerSettings.SHUTDOWN_TIMEOUT_MS;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Validated broker settings: one typed value per {@link BrokerSettings} declaration. Unknown keys, bad values and
 * inconsistent combinations are refused with {@code key=… value=… reason=…} before anything starts.
 */
public final class BrokerConfig {

  /** Room left for the storage's per-entry frame header: a batch never spans segments. */
  private static final int SEGMENT_FRAME_BYTES_MAX = 64;

  private final Map<Setting<?>, Object> typed;
  private final Map<String, String> raw;
  private final ClusterNodes clusterNodes;
  /** The founding members (placement, the metadata group's first voters); {@link #clusterNodes} unless joined. */
  private final ClusterNodes seedNodes;

  /** Keys the properties named (the others hold their defaults). */
  private final java.util.Set<String> explicitKeys;

  private BrokerConfig(Map<Setting<?>, Object> typed, Map<String, String> raw, java.util.Set<String> explicitKeys) {
    this.typed = typed;
    this.raw = raw;
    this.explicitKeys = java.util.Set.copyOf(explicitKeys);
    this.clusterNodes = parseClusterNodes();
    this.seedNodes = clusterNodes;
  }

  private BrokerConfig(BrokerConfig joining, ClusterNodes seed, ClusterNodes others) {
    this.typed = joining.typed;
    this.raw = new LinkedHashMap<>(joining.raw);
    this.explicitKeys = joining.explicitKeys;
    this.seedNodes = seed;
    ClusterNodes known = seed.with(joining.clusterNodes.node(joining.nodeId()));
    for (ClusterNodes.Node n : others.nodes()) {
      known = known.with(n);
    }
    this.clusterNodes = known;
    // a later node bootstrapping from this one reads the seed here (DescribeConfigs)
    raw.put(BrokerSettings.CLUSTER_NODES.key(), seed.spec());
  }

  /**
   * This node joining a running cluster ({@code cluster.bootstrap}) founded as {@code seed}: it knows the seed's
   * addresses, those of {@code others} (nodes that joined before it) and its own, places partitions and seeds
   * the metadata group's configuration as the seed does.
   */
  public BrokerConfig joined(ClusterNodes seed, ClusterNodes others) {
    return new BrokerConfig(this, seed, others);
  }

  /** The founding members: where topics are placed, the metadata group's first voters (see {@link #joined}). */
  public ClusterNodes seedNodes() {
    return seedNodes;
  }

  /** Validates {@code props} (file contents with overrides already applied). */
  public static BrokerConfig parse(Properties props) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (Setting<?> s : BrokerSettings.ALL) {
      raw.put(s.key(), s.defaultValue());
    }
    for (String name : props.stringPropertyNames()) {
      String value = props.getProperty(name).trim();
      if (BrokerSettings.byKey(name) == null) {
        throw new IllegalArgumentException(Setting.describe(name, value, "unknown-key"));
      }
      raw.put(name, value);
    }
    Map<Setting<?>, Object> typed = new HashMap<>();
    for (Setting<?> s : BrokerSettings.ALL) {
      typed.put(s, s.parse(raw.get(s.key())));
    }
    BrokerConfig c = new BrokerConfig(typed, raw, props.stringPropertyNames());
    c.checkCombinations();
    return c;
  }

  private void checkCombinations() {
    refuseIf(get(GROUP_SESSION_TIMEOUT_MIN_MS) > get(GROUP_SESSION_TIMEOUT_MAX_MS), GROUP_SESSION_TIMEOUT_MIN_MS,
        "greater than " + GROUP_SESSION_TIMEOUT_MAX_MS.key());
    refuseIf(get(MESSAGE_BYTES_MAX) > get(LOG_SEGMENT_BYTES) - SEGMENT_FRAME_BYTES_MAX, MESSAGE_BYTES_MAX,
        "must be at most " + LOG_SEGMENT_BYTES.key() + " - " + SEGMENT_FRAME_BYTES_MAX);
    refuseIf(get(RAFT_HEARTBEAT_TICKS) >= get(RAFT_ELECTION_TICKS), RAFT_HEARTBEAT_TICKS,
        "must be less than " + RAFT_ELECTION_TICKS.key());
    refuseIf(get(SHUTDOWN_HANDOFF_TIMEOUT_MS) >= get(SHUTDOWN_TIMEOUT_MS), SHUTDOWN_HANDOFF_TIMEOUT_MS,
        "must be less than " + SHUTDOWN_TIMEOUT_MS.key());
  }

  private void refuseIf(boolean bad, Setting<?> s, String reason) {
    if (bad) {
      throw new IllegalArgumentException(Setting.describe(s.key(), raw.get(s.key()), reason));
    }
  }

  /** The validated value of {@code setting}. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Object v = typed.get(setting);
    if (v == null) {
      throw new IllegalArgumentException("key=" + setting.key() + " reason=not-a-broker-setting");
    }
    return (T) v;
  }

  /**
   * The cluster's members from {@code cluster.nodes} ({@code id@host:kafkaPort:raftPort,...}); when the
   * key is empty, a cluster of this node alone (no peer listener). The list must name {@code node.id}.
   */
  public ClusterNodes clusterNodes() {
    return clusterNodes;
  }

  private ClusterNodes parseClusterNodes() {
    String spec = get(BrokerSettings.CLUSTER_NODES);
    if (spec.isEmpty()) {
      return ClusterNodes.single(nodeId(), get(BrokerSettings.LISTENER_HOST), get(BrokerSettings.LISTENER_PORT));
    }
    ClusterNodes nodes;
    try {
      nodes = ClusterNodes.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(Setting.describe("cluster.nodes", spec, e.getMessage()));
    }
    if (nodes.node(nodeId()) == null) {
      throw new IllegalArgumentException(Setting.describe("cluster.nodes", spec, "does not name node.id=" + nodeId()));
    }
    return nodes;
  }

  /** Whether the properties set {@code setting} (DescribeConfigs: STATIC_BROKER_CONFIG vs DEFAULT_CONFIG). */
  public boolean isSet(Setting<?> setting) {
    return explicitKeys.contains(setting.key());
  }

  public int nodeId() {
    return get(BrokerSettings.NODE_ID);
  }

  public Path dataDir() {
    return Path.of(get(BrokerSettings.DATA_DIR));
  }

  /** The host clients are told to connect to. */
  public String advertisedHost() {
    String advertised = get(BrokerSettings.ADVERTISED_HOST);
    return advertised.isEmpty() ? get(BrokerSettings.LISTENER_HOST) : advertised;
  }

  /** All effective values as written (defaults filled in), for logging at start and DescribeConfigs. */
  public Map<String, String> values() {
    return Map.copyOf(raw);
  }
}
