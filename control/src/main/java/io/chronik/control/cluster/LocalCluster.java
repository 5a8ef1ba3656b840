package io.chronik.control.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N broker processes on this machine, started detached (they outlive the JVM that started them) and
 * remembered in {@code dir/cluster.state} by pid and process start time, so that any later JVM can
 * stop exactly them. The broker is a black box: launched by main-class name from a class path.
 *
 * <p>Invariant: every process this class signals is named in the state file with the start time it
 * had when launched; a pid that has since been reused by another process is never signalled.
 */
public final class LocalCluster {
  public static final String MAIN_CLASS = "io.chronik.broker.BrokerMain";
  static final String LISTENING = "chronik broker listening";
  private static final Pattern LISTENING_LINE = Pattern.compile(LISTENING + " port=(\\d+) .*pid=(\\d+)");
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  /**
   * How long a graceful stop (SIGTERM) may take before SIGKILL: above the broker's default
   * shutdown.timeout.ms (30 s), after which the broker halts by itself.
   */
  public static final Duration STOP_GRACE = Duration.ofSeconds(35);
  private static final Optional<Path> SETSID = findSetsid();

  private final Path dir;
  /** Null when attached to a cluster another JVM started: then nodes cannot be restarted. */
  private final ClusterSpec spec;
  private ClusterState state;

  private LocalCluster(Path dir, ClusterSpec spec, ClusterState state) {
    this.dir = dir;
    this.spec = spec;
    this.state = state;
  }

  /**
   * Launches every node and waits until each printed its listening line and accepts connections.
   * Refuses when the directory's state names live processes or a port is taken. On any failure the
   * nodes already launched are stopped and the state file removed before the exception propagates.
   */
  public static LocalCluster start(ClusterSpec spec) throws IOException, InterruptedException {
    Optional<ClusterState> existing = ClusterState.read(spec.dir());
    if (existing.isPresent() && existing.get().anyAlive()) {
      throw new ClusterException("dir=" + spec.dir() + " pids=" + alivePids(existing.get())
          + " reason=already running, run chronik cluster stop" + dirFlag(spec.dir()));
    }
    for (int i = 0; i < spec.nodes(); i++) {
      requireFree(spec.port(i), i, "kafka");
      requireFree(spec.raftPort(i), i, "raft");
      requireFree(spec.adminPort(i), i, "admin");
    }
    ClusterState.delete(spec.dir());
    spec.write();
    LocalCluster cluster = new LocalCluster(spec.dir(), spec, new ClusterState(List.of()));
    try {
      List<Long> logOffsets = new ArrayList<>();
      for (int i = 0; i < spec.nodes(); i++) {
        logOffsets.add(logSize(spec.log(i)));
        ClusterState.Node node = cluster.launch(i);
        List<ClusterState.Node> nodes = new ArrayList<>(cluster.state.nodes());
        nodes.add(node);
        cluster.state = new ClusterState(nodes);
        cluster.state.write(spec.dir()); // written per node: a crash mid-start still leaves them stoppable
      }
      long deadline = System.nanoTime() + spec.readyTimeout().toNanos();
      for (int i = 0; i < spec.nodes(); i++) {
        cluster.awaitReady(i, logOffsets.get(i), deadline);
      }
      return cluster;
    } catch (IOException | RuntimeException | InterruptedException e) {
      cluster.stop(Duration.ofSeconds(5));
      throw e;
    }
  }

  /** The cluster recorded in {@code dir}, if a state file is there (its processes may have died). */
  public static Optional<LocalCluster> attach(Path dir) throws IOException {
    Optional<ClusterState> state = ClusterState.read(dir);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LocalCluster(dir, ClusterSpec.read(dir).orElse(null), state.get()));
  }

  /**
   * Stops the cluster recorded in {@code dir}: SIGTERM to each recorded process that is still the
   * same process, SIGKILL to those alive after {@code grace} (at once when grace is zero), then removes
   * the state file. Returns the number of processes signalled; 0 when none ran or no state file exists.
   */
  public static int stop(Path dir, Duration grace) throws IOException, InterruptedException {
    Optional<LocalCluster> cluster = attach(dir);
    return cluster.isPresent() ? cluster.get().stop(grace) : 0;
  }

  /** See {@link #stop(Path, Duration)}. Safe to call twice. */
  public synchronized int stop(Duration grace) throws IOException, InterruptedException {
    List<ClusterState.Node> alive = state.nodes().stream().filter(ClusterState.Node::isAlive).toList();
    for (ClusterState.Node n : alive) {
      if (grace.isZero()) {
        n.stamp().kill();
      } else {
        n.stamp().terminate();
      }
    }
    if (!awaitTrue(() -> alive.stream().noneMatch(ClusterState.Node::isAlive), grace)) {
      alive.forEach(n -> n.stamp().kill());
    }
    if (!awaitTrue(() -> alive.stream().noneMatch(ClusterState.Node::isAlive), KILL_WAIT)) {
      throw new ClusterException("dir=" + dir + " pids=" + alivePids(state) + " reason=survived SIGKILL");
    }
    ClusterState.delete(dir);
    ClusterSpec.delete(dir);
    return alive.size();
  }

  /** kill -9 of one node; waits until it is gone. The state keeps its entry so {@link #restart} can reuse it. */
  public synchronized void kill(int node) throws InterruptedException {
    ClusterState.Node n = node(node);
    n.stamp().kill();
    if (!awaitTrue(() -> !n.isAlive(), KILL_WAIT)) {
      throw new ClusterException("node=" + node + " pid=" + n.pid() + " reason=survived SIGKILL");
    }
  }

  /** Stops one node if it runs (SIGTERM, then SIGKILL after {@link #STOP_GRACE}) and starts it again on the same data. */
  public synchronized void restart(int node) throws IOException, InterruptedException {
    if (spec == null) {
      throw new ClusterException("node=" + node + " reason=restart needs the cluster's spec (no "
          + ClusterSpec.FILE_NAME + " in dir=" + dir + ")");
    }
    ClusterState.Node old = node(node);
    if (old.stamp().terminate() && !awaitTrue(() -> !old.isAlive(), STOP_GRACE)) {
      kill(node);
    }
    // the kernel may hold the dead node's ports for a moment (sockets closing); give it time
    awaitTrue(() -> isFree(spec.port(node)), Duration.ofSeconds(15));
    requireFree(spec.port(node), node, "kafka");
    long offset = logSize(spec.log(node));
    state = state.with(launch(node));
    state.write(dir);
    awaitReady(node, offset, System.nanoTime() + spec.readyTimeout().toNanos());
  }

  /** The node's admin HTTP port (/metrics, /health, /ready), as {@code start} assigned it. */
  public synchronized int adminPort(int node) {
    if (spec == null) {
      throw new ClusterException("node=" + node + " reason=admin port unknown (no " + ClusterSpec.FILE_NAME
          + " in dir=" + dir + ")");
    }
    return spec.adminPort(node);
  }

  public synchronized long pid(int node) {
    return node(node).pid();
  }

  public synchronized boolean isAlive(int node) {
    return node(node).isAlive();
  }

  public synchronized int size() {
    return state.nodes().size();
  }

  public synchronized int port(int node) {
    return node(node).port();
  }

  public synchronized Path log(int node) {
    return node(node).log();
  }

  /** {@code 127.0.0.1:port,...} over every recorded node. */
  public synchronized String bootstrap() {
    return String.join(",", state.nodes().stream().map(n -> "127.0.0.1:" + n.port()).toList());
  }

  public Path dir() {
    return dir;
  }

  private ClusterState.Node node(int id) {
    return state.nodes().stream().filter(n -> n.id() == id).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("node=" + id + " reason=no such node dir=" + dir));
  }

  /**
   * Starts one broker detached: in its own session (setsid, when present) so a terminal hang-up or
   * Ctrl-C aimed at the launching command does not reach it, stdin from /dev/null, output appended to
   * its log. The JVM does not kill children on exit, so the broker outlives {@code chronik cluster start}.
   */
  private ClusterState.Node launch(int node) throws IOException {
    Files.createDirectories(spec.nodeDir(node).resolve("data"));
    List<String> cmd = new ArrayList<>();
    SETSID.ifPresent(p -> cmd.add(p.toString()));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(spec.javaOpts());
    cmd.add("-cp");
    cmd.add(spec.classPath());
    cmd.addAll(spec.brokerArguments(node));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log(node).toFile())).start();
    ProcessStamp stamp = ProcessStamp.of(p.pid()).orElseThrow(() -> new ClusterException("node=" + node
        + " pid=" + p.pid() + " reason=exited at once log=" + spec.log(node)));
    return new ClusterState.Node(node, stamp.pid(), stamp.startTicks(), spec.port(node), spec.raftPort(node),
        spec.log(node));
  }

  /** Waits for the listening line (after {@code logOffset}) and an accepted connection on the node's port. */
  private void awaitReady(int node, long logOffset, long deadlineNanos) throws IOException, InterruptedException {
    ClusterState.Node n = node(node);
    while (true) {
      if (!n.isAlive()) {
        throw new ClusterException("node=" + node + " pid=" + n.pid() + " reason=exited during start log=" + n.log()
            + tail(n.log(), logOffset));
      }
      Optional<Long> announcedPid = listeningPid(n.log(), logOffset, n.port());
      if (announcedPid.isPresent() && accepts(n.port())) {
        adoptAnnouncedPid(n, announcedPid.get());
        return;
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new ClusterException("node=" + node + " port=" + n.port() + " reason=not listening after "
            + spec.readyTimeout().toSeconds() + "s log=" + n.log() + tail(n.log(), logOffset));
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** If setsid forked instead of exec'ing, the broker's own pid (from its listening line) is the one to record. */
  private void adoptAnnouncedPid(ClusterState.Node n, long announced) throws IOException {
    if (announced == n.pid()) {
      return;
    }
    Optional<ProcessStamp> real = ProcessStamp.of(announced);
    if (real.isPresent()) {
      state = state.with(new ClusterState.Node(n.id(), announced, real.get().startTicks(), n.port(), n.raftPort(), n.log()));
      state.write(dir);
    }
  }

  private static Optional<Long> listeningPid(Path log, long offset, int port) throws IOException {
    String text = readFrom(log, offset);
    Matcher m = LISTENING_LINE.matcher(text);
    while (m.find()) {
      if (Integer.parseInt(m.group(1)) == port) {
        return Optional.of(Long.parseLong(m.group(2)));
      }
    }
    return Optional.empty();
  }

  private static String readFrom(Path log, long offset) throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(Math.min(offset, Files.size(log)));
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String tail(Path log, long offset) {
    try {
      List<String> lines = readFrom(log, offset).lines().toList();
      List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
      return last.isEmpty() ? "" : "\n  " + String.join("\n  ", last);
    } catch (IOException | UncheckedIOException e) {
      return "";
    }
  }

  private static long logSize(Path log) throws IOException {
    return Files.exists(log) ? Files.size(log) : 0;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /** A port is free when we can bind it on loopback ourselves (a listener on any address makes this fail). */
  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static void requireFree(int port, int node, String kind) {
    if (!isFree(port)) {
      throw new ClusterException("port=" + port + " node=" + node + " kind=" + kind + " reason=port in use");
    }
  }

  private static boolean awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  private static List<Long> alivePids(ClusterState s) {
    return s.nodes().stream().filter(ClusterState.Node::isAlive).map(ClusterState.Node::pid).toList();
  }

  private static String dirFlag(Path dir) {
    return dir.equals(ClusterSpec.DEFAULT_DIR) ? "" : " --dir " + dir;
  }

  private static Optional<Path> findSetsid() {
    for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(p))) {
        return Optional.of(Path.of(p));
      }
    }
    return Optional.empty();
  }

  /** Every recorded node with its liveness, for {@code chronik cluster status}. */
  public synchronized List<String> describe() {
    List<String> lines = new ArrayList<>();
    for (ClusterState.Node n : state.nodes()) {
      lines.add(String.format("node=%d pid=%d port=%d raft.port=%d admin=http://127.0.0.1:%d alive=%s log=%s",
          n.id(), n.pid(), n.port(), n.raftPort(), n.port() + ClusterSpec.ADMIN_PORT_OFFSET, n.isAlive(), n.log()));
    }
    return lines;
  }
}
