package io.chronik.control.workload.client;

import io.chronik.control.nemesis.ClientFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workload's clients as separate processes of this machine ({@link ClientProcess}), by name: what
 * the client faults kill and restart. Once the run stops them, none is started again.
 */
public final class ClientProcesses implements ClientFleet {
  /** Client JVMs stay small: the machine runs the brokers too. */
  static final List<String> JVM_OPTIONS = List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dchronik.log.level=INFO");

  private final Map<String, ClientProcess> clients = new LinkedHashMap<>();
  private volatile boolean stopped;

  public ClientProcesses(List<ClientProcess> processes) {
    for (ClientProcess p : processes) {
      clients.put(p.name(), p);
    }
  }

  /** The command line of a client process: this JVM's java and class path, {@link ClientMain} and its arguments. */
  public static List<String> command(List<String> clientArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ClientMain.class.getName());
    cmd.addAll(clientArgs);
    return cmd;
  }

  /** The folder of the client processes' logs ({@code clients/} in the run folder), created. */
  public static Path logDir(Path runDir) {
    Path logs = runDir.resolve("clients");
    try {
      return Files.createDirectories(logs);
    } catch (IOException e) {
      throw new UncheckedIOException("dir=" + logs + " reason=not-created", e);
    }
  }

  @Override
  public List<String> names() {
    return List.copyOf(clients.keySet());
  }

  /** Starts every client's first process. */
  public void startAll() throws IOException {
    for (ClientProcess c : clients.values()) {
      c.start();
    }
  }

  @Override
  public String kill(String client) {
    try {
      return get(client).kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("client=" + client + " reason=interrupted", e);
    }
  }

  @Override
  public synchronized String start(String client) {
    ClientProcess c = get(client);
    if (stopped) {
      return client + " not-started reason=workload-stopped";
    }
    try {
      return c.start();
    } catch (IOException e) {
      throw new IllegalStateException("client=" + client + " reason=start-failed error=" + e.getMessage(), e);
    }
  }

  /** Pids of the running client processes, by client. */
  public Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    clients.forEach((name, c) -> pids.put(name, c.pid()));
    return pids;
  }

  /**
   * Asks every client to stop at its next invocation and waits (all at once, at most {@code grace})
   * for them to exit; kills what has not.
   */
  public void stopAll(Duration grace) throws InterruptedException {
    synchronized (this) {
      stopped = true; // a start racing with this one has started: its process is asked to stop below
    }
    clients.values().forEach(ClientProcess::requestStop);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ClientProcess c : clients.values()) {
      c.awaitStop(deadline);
    }
  }

  /** {@link #stopAll}, then fails with the first protocol violation of any client: a bug must not pass as a verdict. */
  public void stopAllOrFail(Duration grace) throws InterruptedException {
    stopAll(grace);
    Optional<RuntimeException> broken = protocolError();
    if (broken.isPresent()) {
      throw new IllegalStateException("reason=client-protocol-error " + broken.get().getMessage(), broken.get());
    }
  }

  /** The first protocol violation of any client, if one happened (a bug: the run must not pass over it). */
  public Optional<RuntimeException> protocolError() {
    return clients.values().stream().map(ClientProcess::protocolError).filter(e -> e != null).findFirst();
  }

  private ClientProcess get(String client) {
    ClientProcess c = clients.get(client);
    if (c == null) {
      throw new IllegalArgumentException("client=" + client + " reason=unknown known=" + names());
    }
    return c;
  }
}
