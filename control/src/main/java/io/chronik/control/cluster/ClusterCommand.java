package io.chronik.control.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chronik cluster start|stop|status}: N broker processes on this machine, detached, remembered by
 * pid and start time in {@code <dir>/cluster.state}. See docs/CLUSTER.md.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Start, stop and inspect a local multi-node broker cluster (processes on this machine).",
    subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Restart.class,
        ClusterCommand.Status.class})
public final class ClusterCommand implements Callable<Integer> {
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_NO_CLUSTER = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public ClusterCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return EXIT_USAGE;
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Launch N brokers detached, wait until each listens, print bootstrap.servers=... (exit 0).")
  public static final class Start implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "Number of brokers, ids 0..N-1 (default 3).")
    int nodes;

    @Option(names = "--dir", description = "Cluster directory: node-i/data, node-i/broker.log, cluster.state "
        + "(default /var/tmp/chronik-cluster).")
    Path dir = ClusterSpec.DEFAULT_DIR;

    @Option(names = "--base-port", defaultValue = "9092", description = "Kafka port of node 0; node i gets base+i (default 9092).")
    int basePort;

    @Option(names = "--raft-base-port", defaultValue = "9192", description = "Raft port of node 0; node i gets base+i (default 9192).")
    int raftBasePort;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra broker setting for every node (repeatable).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--java-opts", paramLabel = "OPTS", description = "JVM options of each broker, space separated "
        + "(default \"-Xmx1g -XX:+UseParallelGC\"; also CHRONIK_BROKER_JAVA_OPTS).")
    String javaOpts;

    @Option(names = "--ready-timeout", defaultValue = "60", description = "Seconds to wait for every node to listen (default 60).")
    int readyTimeoutSeconds;

    @Option(names = "--fresh", description = "Delete the nodes' data directories first (like Kafka's run-3node.sh), "
        + "only when none of the recorded brokers is alive.")
    boolean fresh;

    public Start() {}

    @Override
    public Integer call() throws Exception {
      if (ClassLoader.getSystemResource(LocalCluster.MAIN_CLASS.replace('.', '/') + ".class") == null) {
        System.err.println("chronik cluster start: class=" + LocalCluster.MAIN_CLASS
            + " reason=broker not on the class path (run through ./chronik)");
        return EXIT_FAILED;
      }
      ClusterSpec clusterSpec;
      try {
        clusterSpec = ClusterSpec.of(nodes, dir.toAbsolutePath(), System.getProperty("java.class.path"))
            .withPorts(basePort, raftBasePort).withSettings(settings).withJavaOpts(jvmOptions())
            .withReadyTimeout(Duration.ofSeconds(readyTimeoutSeconds));
      } catch (IllegalArgumentException e) {
        System.err.println("chronik cluster start: " + e.getMessage());
        return EXIT_USAGE;
      }
      if (fresh) {
        boolean running = ClusterState.read(dir.toAbsolutePath())
            .map(state -> state.nodes().stream().anyMatch(ClusterState.Node::isAlive)).orElse(false);
        if (running) {
          System.err.println("chronik cluster start: dir=" + dir + " reason=already running, run chronik cluster stop");
          return EXIT_FAILED;
        }
        for (int i = 0; i < nodes; i++) {
          deleteTree(dir.toAbsolutePath().resolve("node-" + i).resolve("data"));
        }
      }
      try {
        LocalCluster cluster = LocalCluster.start(clusterSpec);
        for (String line : cluster.describe()) {
          System.err.println("chronik cluster: " + line);
        }
        System.out.println("bootstrap.servers=" + cluster.bootstrap());
        return 0;
      } catch (ClusterException e) {
        System.err.println("chronik cluster start: " + e.getMessage());
        return EXIT_FAILED;
      }
    }

    private static void deleteTree(java.nio.file.Path root) throws java.io.IOException {
      if (!java.nio.file.Files.exists(root)) {
        return;
      }
      try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
        for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          java.nio.file.Files.delete(p);
        }
      }
    }

    private List<String> jvmOptions() {
      String opts = Optional.ofNullable(javaOpts).orElse(System.getenv("CHRONIK_BROKER_JAVA_OPTS"));
      if (opts == null || opts.isBlank()) {
        return ClusterSpec.DEFAULT_JAVA_OPTS;
      }
      return Arrays.stream(opts.trim().split("\\s+")).toList();
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "SIGTERM the recorded brokers (SIGKILL after the grace period), remove cluster.state. Safe to run twice.")
  public static final class Stop implements Callable<Integer> {
    @Option(names = "--dir", description = "Cluster directory (default /var/tmp/chronik-cluster).")
    Path dir = ClusterSpec.DEFAULT_DIR;

    @Option(names = "--kill", description = "SIGKILL at once instead of SIGTERM.")
    boolean kill;

    @Option(names = "--grace-seconds", defaultValue = "35", description = "Seconds between SIGTERM and SIGKILL "
        + "(default 35: a broker hands off its leaderships first and halts by itself after shutdown.timeout.ms=30000).")
    int graceSeconds;

    public Stop() {}

    @Override
    public Integer call() throws Exception {
      Path d = dir.toAbsolutePath();
      try {
        Optional<LocalCluster> cluster = LocalCluster.attach(d);
        if (cluster.isEmpty()) {
          System.err.println("chronik cluster stop: dir=" + d + " nothing to stop (no " + ClusterState.FILE_NAME + ")");
          return 0;
        }
        int stopped = cluster.get().stop(kill ? Duration.ZERO : Duration.ofSeconds(graceSeconds));
        System.err.println("chronik cluster stop: dir=" + d + " stopped=" + stopped + (kill ? " signal=KILL" : ""));
        return 0;
      } catch (ClusterException e) {
        System.err.println("chronik cluster stop: " + e.getMessage());
        return EXIT_FAILED;
      }
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Restart nodes gracefully on their data: --rolling restarts every node, one at a time, waiting "
          + "until every node's /ready answers before the next; --node N restarts one.")
  public static final class Restart implements Callable<Integer> {
    @Option(names = "--dir", description = "Cluster directory (default /var/tmp/chronik-cluster).")
    Path dir = ClusterSpec.DEFAULT_DIR;

    @Option(names = "--rolling", description = "Every node, one at a time (0, 1, …).")
    boolean rolling;

    @Option(names = "--node", paramLabel = "N", description = "Only this node.")
    Integer node;

    @Option(names = "--ready-timeout", defaultValue = "120", description = "Seconds to wait, after each node's "
        + "restart, for every node to be ready (default 120).")
    int readyTimeoutSeconds;

    @Option(names = "--force", description = "Stop a node even when a group it belongs to would lose its quorum "
        + "(see chronik admin safe-to-stop); without it such a restart is refused.")
    boolean force;

    public Restart() {}

    /**
     * Refuses (unless --force) to stop a node whose loss would take a group below its quorum. A node that is not
     * running loses no group anything (and one unregistered while stopped is no node of the cluster's metadata).
     */
    private void mayStop(LocalCluster cluster, int n) {
      if (force || !cluster.isAlive(n)) {
        return;
      }
      try (io.chronik.control.admin.HealthProbe probe = new io.chronik.control.admin.HealthProbe(cluster.bootstrap(),
          Duration.ofSeconds(10))) {
        io.chronik.control.admin.StopSafety safety = probe.stopSafety(n).orElseThrow(
            () -> new ClusterException("node=" + n + " reason=not-a-node-of-the-cluster"));
        if (!safety.safe()) {
          throw new ClusterException("node=" + n + " reason=would-leave-groups-without-quorum groups="
              + safety.reasons().size() + " first=[" + safety.reasons().get(0) + "] (--force restarts it anyway)");
        }
      } catch (IllegalStateException e) {
        throw new ClusterException("node=" + n + " reason=cannot-check-quorum " + e.getMessage() + " (--force restarts it anyway)");
      }
    }

    @Override
    public Integer call() throws Exception {
      if (rolling == (node != null)) {
        System.err.println("chronik cluster restart: reason=give exactly one of --rolling or --node N");
        return EXIT_USAGE;
      }
      Path d = dir.toAbsolutePath();
      Optional<LocalCluster> cluster = LocalCluster.attach(d);
      if (cluster.isEmpty()) {
        System.err.println("chronik cluster restart: dir=" + d + " reason=no cluster (no " + ClusterState.FILE_NAME + ")");
        return EXIT_NO_CLUSTER;
      }
      List<Integer> nodes = new ArrayList<>();
      for (int i = 0; i < cluster.get().size(); i++) {
        if (rolling || i == node) {
          nodes.add(i);
        }
      }
      if (nodes.isEmpty()) {
        System.err.println("chronik cluster restart: node=" + node + " reason=no such node dir=" + d);
        return EXIT_USAGE;
      }
      try {
        RollingRestart.run(cluster.get(), nodes, Duration.ofSeconds(readyTimeoutSeconds), n -> mayStop(cluster.get(), n),
            step -> System.err.println("chronik cluster restart: " + step));
        System.out.println("restarted=" + nodes.size() + " bootstrap.servers=" + cluster.get().bootstrap());
        return 0;
      } catch (ClusterException e) {
        System.err.println("chronik cluster restart: " + e.getMessage());
        return EXIT_FAILED;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "List node, pid, port and whether each recorded broker is alive "
          + "(exit 0 all alive, 1 some dead, 3 no cluster).")
  public static final class Status implements Callable<Integer> {
    @Option(names = "--dir", description = "Cluster directory (default /var/tmp/chronik-cluster).")
    Path dir = ClusterSpec.DEFAULT_DIR;

    public Status() {}

    @Override
    public Integer call() throws Exception {
      Path d = dir.toAbsolutePath();
      Optional<LocalCluster> cluster = LocalCluster.attach(d);
      if (cluster.isEmpty()) {
        System.out.println("no cluster dir=" + d);
        return EXIT_NO_CLUSTER;
      }
      boolean allAlive = true;
      for (int i = 0; i < cluster.get().size(); i++) {
        allAlive &= cluster.get().isAlive(i);
      }
      cluster.get().describe().forEach(System.out::println);
      System.out.println("bootstrap.servers=" + cluster.get().bootstrap());
      return allAlive ? 0 : EXIT_FAILED;
    }
  }
}
