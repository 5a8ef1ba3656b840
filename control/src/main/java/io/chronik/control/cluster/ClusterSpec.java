package io.chronik.control.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@link LocalCluster#start} launches: {@code nodes} brokers with ids 0..nodes-1, node i on Kafka
 * port {@code basePort + i} and Raft port {@code raftBasePort + i}, data in {@code dir/node-i/data},
 * log in {@code dir/node-i/broker.log}. {@code settings} are extra broker {@code key=value} pairs given
 * to every node after the ones derived here (so they can override e.g. {@code replication.factor}).
 */
public record ClusterSpec(int nodes, Path dir, int basePort, int raftBasePort, List<String> settings,
    List<String> javaOpts, String classPath, Duration readyTimeout) {

  static final String FILE_NAME = "cluster.spec";
  public static final Path DEFAULT_DIR = Path.of("/var/tmp/chronik-cluster");
  public static final int DEFAULT_BASE_PORT = 9092;
  public static final int DEFAULT_RAFT_BASE_PORT = 9192;
  /**
   * A node's admin HTTP port is its Kafka port plus this (9644.. with the default base port, the
   * broker's own admin.port default for node 0), so status can name it from the recorded Kafka port.
   */
  public static final int ADMIN_PORT_OFFSET = 552;
  public static final List<String> DEFAULT_JAVA_OPTS = List.of("-Xmx1g", "-XX:+UseParallelGC");
  /** Node ids are 0..63 in the broker's cluster contract. */
  public static final int NODES_MAX = 64;
  /** Ports of the Kafka peer scripts (../shared/peers/kafka): a Chronik cluster must never take them. */
  static final int PEER_PORT_LOW = 19092;
  static final int PEER_PORT_HIGH = 19094;
  static final int PEER_RAFT_PORT_LOW = 19192;
  static final int PEER_RAFT_PORT_HIGH = 19194;

  public ClusterSpec {
    settings = List.copyOf(settings);
    javaOpts = List.copyOf(javaOpts);
    if (nodes < 1 || nodes > NODES_MAX) {
      throw new IllegalArgumentException("nodes=" + nodes + " reason=expected 1.." + NODES_MAX);
    }
    for (String s : settings) {
      if (s.indexOf('=') <= 0) {
        throw new IllegalArgumentException("set=" + s + " reason=expected key=value");
      }
    }
    checkPorts("base-port", basePort, nodes, PEER_PORT_LOW, PEER_PORT_HIGH);
    checkPorts("raft-base-port", raftBasePort, nodes, PEER_RAFT_PORT_LOW, PEER_RAFT_PORT_HIGH);
    checkPorts("raft-base-port", raftBasePort, nodes, basePort, basePort + nodes - 1);
    checkPorts("base-port", basePort + ADMIN_PORT_OFFSET, nodes, raftBasePort, raftBasePort + nodes - 1);
    checkPorts("base-port", basePort + ADMIN_PORT_OFFSET, nodes, basePort, basePort + nodes - 1);
  }

  /** Defaults for everything but the node count, the directory and the class path. */
  public static ClusterSpec of(int nodes, Path dir, String classPath) {
    return new ClusterSpec(nodes, dir, DEFAULT_BASE_PORT, DEFAULT_RAFT_BASE_PORT, List.of(), DEFAULT_JAVA_OPTS,
        classPath, Duration.ofSeconds(60));
  }

  public ClusterSpec withPorts(int kafkaBase, int raftBase) {
    return new ClusterSpec(nodes, dir, kafkaBase, raftBase, settings, javaOpts, classPath, readyTimeout);
  }

  public ClusterSpec withSettings(List<String> extra) {
    return new ClusterSpec(nodes, dir, basePort, raftBasePort, extra, javaOpts, classPath, readyTimeout);
  }

  public ClusterSpec withJavaOpts(List<String> opts) {
    return new ClusterSpec(nodes, dir, basePort, raftBasePort, settings, opts, classPath, readyTimeout);
  }

  public ClusterSpec withReadyTimeout(Duration timeout) {
    return new ClusterSpec(nodes, dir, basePort, raftBasePort, settings, javaOpts, classPath, timeout);
  }

  private static void checkPorts(String name, int base, int count, int forbiddenLow, int forbiddenHigh) {
    int high = base + count - 1;
    if (base < 1 || high > 65535) {
      throw new IllegalArgumentException(name + "=" + base + " nodes=" + count + " reason=ports outside 1..65535");
    }
    if (base <= forbiddenHigh && high >= forbiddenLow) {
      throw new IllegalArgumentException(name + "=" + base + " nodes=" + count + " reason=overlaps reserved ports "
          + forbiddenLow + ".." + forbiddenHigh);
    }
  }

  public int port(int node) {
    return basePort + node;
  }

  public int raftPort(int node) {
    return raftBasePort + node;
  }

  /** The node's admin HTTP port (/metrics, /health, /ready). */
  public int adminPort(int node) {
    return port(node) + ADMIN_PORT_OFFSET;
  }

  public Path nodeDir(int node) {
    return dir.resolve("node-" + node);
  }

  public Path log(int node) {
    return nodeDir(node).resolve("broker.log");
  }

  /** {@code 0@127.0.0.1:9092:9192,1@...}: the broker's {@code cluster.nodes} value. */
  public String clusterNodes() {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      members.add(i + "@127.0.0.1:" + port(i) + ":" + raftPort(i));
    }
    return String.join(",", members);
  }

  /** {@code 127.0.0.1:9092,127.0.0.1:9093,...}: every node, for a client's bootstrap.servers. */
  public String bootstrap() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      all.add("127.0.0.1:" + port(i));
    }
    return String.join(",", all);
  }

  /**
   * Writes this spec to {@code dir/cluster.spec}, so that a later JVM (e.g. {@code chronik cluster restart})
   * can launch a node again exactly as {@code start} did. Lists are stored one item per line.
   */
  void write() throws IOException {
    Properties p = new Properties();
    p.setProperty("nodes", Integer.toString(nodes));
    p.setProperty("base.port", Integer.toString(basePort));
    p.setProperty("raft.base.port", Integer.toString(raftBasePort));
    p.setProperty("settings", String.join("\n", settings));
    p.setProperty("java.opts", String.join("\n", javaOpts));
    p.setProperty("class.path", classPath);
    p.setProperty("ready.timeout.ms", Long.toString(readyTimeout.toMillis()));
    Files.createDirectories(dir);
    try (Writer out = Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      p.store(out, "chronik cluster: how 'chronik cluster start' launched the nodes");
    }
  }

  /** The spec {@code start} recorded in {@code dir}, if any (a cluster from an older version has none). */
  static Optional<ClusterSpec> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    try {
      return Optional.of(new ClusterSpec(Integer.parseInt(p.getProperty("nodes")), dir,
          Integer.parseInt(p.getProperty("base.port")), Integer.parseInt(p.getProperty("raft.base.port")),
          lines(p.getProperty("settings")), lines(p.getProperty("java.opts")), p.getProperty("class.path"),
          Duration.ofMillis(Long.parseLong(p.getProperty("ready.timeout.ms")))));
    } catch (RuntimeException e) {
      throw new IOException("file=" + file + " reason=unreadable-spec detail=" + e, e);
    }
  }

  static void delete(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE_NAME));
  }

  private static List<String> lines(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n"));
  }

  /** The broker process's arguments after the JVM options (main class and settings). */
  List<String> brokerArguments(int node) {
    List<String> args = new ArrayList<>(List.of(LocalCluster.MAIN_CLASS,
        "--set", "node.id=" + node,
        "--set", "listener.port=" + port(node),
        "--set", "admin.port=" + adminPort(node),
        "--set", "data.dir=" + nodeDir(node).resolve("data"),
        "--set", "cluster.nodes=" + clusterNodes()));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    return args;
  }
}
