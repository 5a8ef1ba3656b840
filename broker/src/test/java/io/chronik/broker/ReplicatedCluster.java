package io.chronik.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A real 3-process cluster on loopback for tests: start, kill -9, restart from disk, wipe. */
final class ReplicatedCluster implements AutoCloseable {
  private final Path root;
  private final int[] kafkaPorts;
  private final int[] raftPorts;
  private String spec;
  private final List<String> parts = new ArrayList<>();
  /** Nodes below this id found the cluster ({@code cluster.nodes}); the others join it by {@code cluster.bootstrap}. */
  private int seedSize;
  private final BrokerProcess[] nodes;
  private String[] settings;
  private java.util.Map<String, String> environment = java.util.Map.of();
  private String heap = "256m";

  ReplicatedCluster(Path root, int size, String... settings) throws IOException {
    this.root = root;
    this.settings = settings;
    this.kafkaPorts = new int[size];
    this.raftPorts = new int[size];
    this.nodes = new BrokerProcess[size];
    for (int i = 0; i < size; i++) {
      kafkaPorts[i] = freePort();
      raftPorts[i] = freePort();
      parts.add(i + "@127.0.0.1:" + kafkaPorts[i] + ":" + raftPorts[i]);
    }
    this.spec = String.join(",", parts);
    this.seedSize = size;
  }

  /** Only nodes 0..seedSize-1 are named in {@code cluster.nodes}; the others join through node 0. */
  ReplicatedCluster joining(int seedSize) {
    this.seedSize = seedSize;
    this.spec = String.join(",", parts.subList(0, seedSize));
    return this;
  }

  private static int freePort() throws IOException {
    return LoopbackPorts.take();
  }

  /** Environment variables every node started from now on gets (e.g. the archive's S3 credentials). */
  ReplicatedCluster environment(java.util.Map<String, String> variables) {
    this.environment = java.util.Map.copyOf(variables);
    return this;
  }

  /** The heap (-Xmx) of every node started from now on; 256m unless set. */
  ReplicatedCluster heap(String xmx) {
    this.heap = xmx;
    return this;
  }

  /** Replaces the settings every node started from now on gets (e.g. the archive turned on for a restart). */
  ReplicatedCluster settings(String... replacement) {
    this.settings = replacement.clone();
    return this;
  }

  void startAll() throws IOException, InterruptedException {
    for (int i = 0; i < nodes.length; i++) {
      start(i);
    }
  }

  void start(int node) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("node.id=" + node, "cluster.nodes=" + spec));
    if (node >= seedSize) {
      all = new ArrayList<>(List.of("node.id=" + node, "cluster.nodes=" + parts.get(node),
          "cluster.bootstrap=127.0.0.1:" + kafkaPorts[0]));
    }
    all.addAll(List.of(settings));
    nodes[node] = BrokerProcess.start(root.resolve("node-" + node), kafkaPorts[node], environment, heap,
        all.toArray(String[]::new));
  }

  void kill(int node) throws InterruptedException {
    nodes[node].kill();
  }

  void stop(int node) throws InterruptedException {
    nodes[node].close();
  }

  /** Deletes a stopped node's whole data directory (a replacement machine with an empty disk). */
  void wipe(int node) throws IOException {
    Path dir = root.resolve("node-" + node);
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Waits up to {@code timeout} for node {@code node} to exit on its own: its exit status, or -1 while it runs. */
  int awaitExit(int node, java.time.Duration timeout) throws InterruptedException {
    return nodes[node].awaitExit(timeout);
  }

  boolean alive(int node) {
    return nodes[node] != null && nodes[node].isAlive();
  }

  String bootstrap() {
    List<String> all = new ArrayList<>();
    for (int port : kafkaPorts) {
      all.add("127.0.0.1:" + port);
    }
    return String.join(",", all);
  }

  /** {@code http://127.0.0.1:PORT} of a running node's admin port. */
  String admin(int node) {
    return "http://127.0.0.1:" + nodes[node].adminPort();
  }

  /** The port node {@code node} accepts Kafka clients on. */
  int kafkaPort(int node) {
    return kafkaPorts[node];
  }

  /** The port node {@code node} accepts peer (Raft) connections on. */
  int raftPort(int node) {
    return raftPorts[node];
  }

  /** Node {@code node}'s data directory. */
  Path dataDir(int node) {
    return root.resolve("node-" + node);
  }

  String log(int node) throws IOException {
    return nodes[node].log();
  }

  int size() {
    return nodes.length;
  }

  @Override
  public void close() throws InterruptedException {
    for (BrokerProcess n : nodes) {
      if (n != null) {
        n.kill();
      }
    }
  }
}
