package io.chronik.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real broker JVM started from the test class path; stopped by its pid. */
final class BrokerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("chronik broker listening port=(\\d+)");
  private static final Pattern ADMIN = Pattern.compile(" admin=http://[^:]+:(\\d+)");

  private final Process process;
  private final int port;
  private final Path log;
  private final int adminPort;

  private BrokerProcess(Process process, int port, Path log, int adminPort) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.adminPort = adminPort;
  }

  /** Starts a broker on {@code port} (0 = any free loopback port) with {@code dataDir}. */
  static BrokerProcess start(Path dataDir, int port, String... settings) throws IOException, InterruptedException {
    return start(dataDir, port, java.util.Map.of(), settings);
  }

  /** As {@link #start(Path, int, String...)}, with {@code environment} added to the JVM's (e.g. S3 credentials). */
  static BrokerProcess start(Path dataDir, int port, java.util.Map<String, String> environment, String... settings)
      throws IOException, InterruptedException {
    return start(dataDir, port, environment, "256m", settings);
  }

  /** As {@link #start(Path, int, java.util.Map, String...)}, with a heap of {@code heap} (-Xmx) instead of 256m. */
  static BrokerProcess start(Path dataDir, int port, java.util.Map<String, String> environment, String heap,
      String... settings) throws IOException, InterruptedException {
    Path log = Files.createTempFile(Path.of("target"), "broker-", ".log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-ea", "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
        "--set", "data.dir=" + dataDir, "--set", "listener.port=" + port,
        "--set", "listener.host=127.0.0.1", "--set", "group.initial.rebalance.delay.ms=200",
        "--set", "admin.port=0"));
    for (String s : settings) {
      cmd.add("--set");
      cmd.add(s);
    }
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      Matcher m = LISTENING.matcher(text);
      if (m.find()) {
        Matcher admin = ADMIN.matcher(text);
        return new BrokerProcess(p, Integer.parseInt(m.group(1)), log, admin.find() ? Integer.parseInt(admin.group(1)) : -1);
      }
      if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("broker exited code=" + p.exitValue() + " log=" + Files.readString(log));
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("broker did not start log=" + Files.readString(log));
  }

  int port() {
    return port;
  }

  /** The admin HTTP port, or -1 when the broker runs without one. */
  int adminPort() {
    return adminPort;
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the process to end on its own; its exit status, or -1 while it runs. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  long pid() {
    return process.pid();
  }

  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Graceful stop (SIGTERM to our pid), forced after 20 s. */
  @Override
  public void close() throws InterruptedException {
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

    /** Hard kill (SIGKILL), as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }
}
