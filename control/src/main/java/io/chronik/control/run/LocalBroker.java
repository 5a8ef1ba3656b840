package io.chronik.control.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One broker process on this machine, treated as a black box: started from the distribution's class
 * path by main-class name (control never imports broker), reached on a loopback port, stopped, killed
 * and paused only by the pid of the process this object started.
 */
final class LocalBroker implements AutoCloseable {
  static final String MAIN_CLASS = "io.chronik.broker.BrokerMain";

  private final String classPath;
  private final int port;
  private final Path dataDir;
  private final Path logFile;
  private Process process;
  private boolean paused;

  private final int partitions;

  private final List<String> settings;
  /** 0: any free port (nobody scrapes it). */
  private final int adminPort;

  /** {@code partitions}: of auto-created topics, so a wiped broker recreates the test topic alike. */
  LocalBroker(String classPath, int port, Path dataDir, Path logFile, int partitions) {
    this(classPath, port, dataDir, logFile, partitions, List.of(), 0);
  }

  /** {@code settings}: extra {@code key=value} broker settings (node id, cluster member list). */
  LocalBroker(String classPath, int port, Path dataDir, Path logFile, int partitions, List<String> settings,
      int adminPort) {
    this.adminPort = adminPort;
    this.settings = List.copyOf(settings);
    this.partitions = partitions;
    this.classPath = classPath;
    this.port = port;
    this.dataDir = dataDir;
    this.logFile = logFile;
  }

  int adminPort() {
    return adminPort;
  }

  /** The admin server's metrics URL; only meaningful with a fixed admin port. */
  java.net.URI metricsUri() {
    return java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics");
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Starts the process (appending to the node log) and waits until its port accepts connections. */
  synchronized void start(Duration readyTimeout) throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("reason=already-running pid=" + process.pid());
    }
    Files.createDirectories(dataDir);
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-ea", "-Xmx512m", "-cp", classPath,
        MAIN_CLASS, "--set", "listener.port=" + port, "--set", "admin.port=" + adminPort,
        "--set", "data.dir=" + dataDir,
        "--set", "num.partitions=" + partitions));
    for (String setting : settings) {
      cmd.add("--set");
      cmd.add(setting);
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    paused = false;
    awaitListening(readyTimeout);
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("broker exited during start exit=" + process.exitValue() + " log=" + logFile);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
    throw new IOException("broker not listening port=" + port + " after=" + timeout + " log=" + logFile);
  }

  /** kill -9 of the started process; waits until the kernel has reaped it. */
  synchronized void kill() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      signal("CONT"); // a stopped process still dies on SIGKILL, but resuming first keeps state simple
    }
    process.destroyForcibly();
    process.waitFor();
    paused = false;
  }

  /** Deletes the data directory of a stopped broker (refuses while it runs). */
  synchronized void wipe() throws IOException {
    if (isRunning()) {
      throw new IllegalStateException("reason=wipe-while-running pid=" + process.pid());
    }
    if (!Files.exists(dataDir)) {
      return;
    }
    try (var paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  synchronized void pause() throws IOException, InterruptedException {
    signal("STOP");
    paused = true;
  }

  synchronized void resume() throws IOException, InterruptedException {
    signal("CONT");
    paused = false;
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  synchronized boolean isPaused() {
    return paused;
  }

  private void signal(String name) throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("signal=" + name + " pid=" + process.pid() + " reason=kill-failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("signal=" + name + " pid=" + process.pid() + " reason=" + e.getMessage(), e);
    }
  }

  /** Stops the broker if still running; never leaves a process of ours behind. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        if (process != null) {
          process.destroyForcibly();
        }
      }
    }
  }

  /** Orderly stop (SIGTERM, then SIGKILL after a grace period). */
  synchronized void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (paused) {
      signal("CONT");
    }
    process.destroy();
    // a graceful stop hands off leaderships first and halts by itself after shutdown.timeout.ms (30 s)
    if (!process.waitFor(35, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
