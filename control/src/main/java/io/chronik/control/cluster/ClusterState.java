package io.chronik.control.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The {@code cluster.state} file of a cluster directory: for every node its id, pid, process start
 * time, ports and log. It is what lets a later {@code chronik cluster stop} (another JVM) signal
 * exactly the processes that {@code start} launched and nothing else.
 */
record ClusterState(List<Node> nodes) {
  static final String FILE_NAME = "cluster.state";

  /** One launched broker. {@code startTicks} with {@code pid} identifies the process (see {@link ProcessStamp}). */
  record Node(int id, long pid, long startTicks, int port, int raftPort, Path log) {
    ProcessStamp stamp() {
      return new ProcessStamp(pid, startTicks);
    }

    boolean isAlive() {
      return stamp().isAlive();
    }
  }

  ClusterState {
    nodes = List.copyOf(nodes);
  }

  static Path file(Path dir) {
    return dir.resolve(FILE_NAME);
  }

  boolean anyAlive() {
    return nodes.stream().anyMatch(Node::isAlive);
  }

  /** Reads the state of {@code dir}; empty when there is no state file. */
  static Optional<ClusterState> read(Path dir) throws IOException {
    Path file = file(dir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    List<Node> nodes = new ArrayList<>();
    try {
      int count = Integer.parseInt(p.getProperty("nodes", "0"));
      for (int i = 0; i < count; i++) {
        String k = "node." + i + ".";
        nodes.add(new Node(Integer.parseInt(p.getProperty(k + "id")), Long.parseLong(p.getProperty(k + "pid")),
            Long.parseLong(p.getProperty(k + "start.ticks")), Integer.parseInt(p.getProperty(k + "port")),
            Integer.parseInt(p.getProperty(k + "raft.port")), Path.of(p.getProperty(k + "log"))));
      }
    } catch (RuntimeException e) {
      throw new IOException("file=" + file + " reason=unreadable-state detail=" + e, e);
    }
    return Optional.of(new ClusterState(nodes));
  }

  /** Writes atomically (temp file, then rename) so a reader never sees half a state. */
  void write(Path dir) throws IOException {
    Properties p = new Properties();
    p.setProperty("nodes", Integer.toString(nodes.size()));
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      String k = "node." + i + ".";
      p.setProperty(k + "id", Integer.toString(n.id()));
      p.setProperty(k + "pid", Long.toString(n.pid()));
      p.setProperty(k + "start.ticks", Long.toString(n.startTicks()));
      p.setProperty(k + "port", Integer.toString(n.port()));
      p.setProperty(k + "raft.port", Integer.toString(n.raftPort()));
      p.setProperty(k + "log", n.log().toString());
    }
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "chronik cluster: pids launched by 'chronik cluster start'; removed by 'chronik cluster stop'");
    }
    try {
      Files.move(tmp, file(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file(dir), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void delete(Path dir) throws IOException {
    Files.deleteIfExists(file(dir));
  }

  ClusterState with(Node replacement) {
    List<Node> next = new ArrayList<>(nodes);
    next.replaceAll(n -> n.id() == replacement.id() ? replacement : n);
    return new ClusterState(next);
  }
}
