package io.chronik.control.workload;

import io.chronik.control.nemesis.ClientFleet;
import io.chronik.control.workload.client.ClientMessage;
import io.chronik.control.workload.client.ClientProcess;
import io.chronik.control.workload.client.ClientProcesses;
import io.chronik.control.workload.client.ClientSession;
import io.chronik.control.workload.client.RecorderChannel;
import io.chronik.control.workload.client.RegisterClient;
import io.chronik.control.workload.client.RegisterClientSpec;
import io.chronik.control.workload.client.RegisterOps;
import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import us.bpsm.edn.Keyword;

/**
 * A register workload on consumer-group offsets: the register at key {@code [group partition]} is
 * the group's committed offset of that partition. {@code :write [k v]} is an OffsetCommit of offset
 * v, {@code :read [k nil]} an OffsetFetch completing as {@code [k v]} ({@code nil}: nothing
 * committed); values are unique per write, so a read names the write it saw ({@link RegisterClient}).
 *
 * <p>Clients {@code r1..rN} run as threads of the control node, or as separate processes
 * ({@link ClientProcesses}: what client faults kill -9 and restart; a killed client's in-flight
 * operation stays {@code :info}). Either way each client is one history thread and runs the same code
 * ({@link RegisterClientSpec#run}); the final reader is always a thread of the control node.
 */
public final class RegisterWorkload implements Workload {
  public static final String TOPIC = "chronik-register";
  public static final int PARTITIONS = RegisterClient.PARTITIONS;
  public static final WorkloadType TYPE = new WorkloadType("register",
      "consumer-group offsets as registers: commit/fetch, checked for linearizability (keyed-register)",
      TOPIC, s -> PARTITIONS, s -> concurrency(s.clients()), s -> clientNames(s.clients()),
      (bootstrap, seed, recorder, s) -> new RegisterWorkload(bootstrap, seed, recorder, s));
  /** A client may be inside a 6 s operation when asked to stop; then it closes its Admin client. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);

  private final String bootstrap;
  private final int clients;
  private final HistoryRecorder recorder;
  private final long seed;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Set<List<?>> keysUsed = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  /** The client processes (not yet started), or null when clients are threads. */
  private final ClientProcesses processes;
  private volatile long startMillis;

  public RegisterWorkload(String bootstrap, long seed, HistoryRecorder recorder, WorkloadSettings settings) {
    this.bootstrap = bootstrap;
    this.clients = settings.clients();
    this.seed = seed;
    this.recorder = recorder;
    this.processes = settings.clientProcesses() ? processes(settings.runDir()) : null;
  }

  /** Recorder threads: the clients and the final reader. */
  public static int concurrency(int clients) {
    return clients + 1;
  }

  /** Clients r1..rN. */
  public static List<String> clientNames(int clients) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= clients; i++) {
      names.add("r" + i);
    }
    return names;
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  public String topic() {
    return TOPIC;
  }

  @Override
  public long okCount() {
    return ok.get();
  }

  @Override
  public long errorCount() {
    return errors.get();
  }

  @Override
  public ClientFleet clients() {
    return processes != null ? processes : ClientFleet.NONE;
  }

  /** Counts every completion and keeps each key used, for the final reads. */
  private void completed(Keyword f, Object invoked, ClientMessage.Type type) {
    (type == ClientMessage.Type.OK ? ok : errors).incrementAndGet();
    // one list type for the key whether the thread's own or read back from a client process's line
    keysUsed.add(List.copyOf((List<?>) ((List<?>) invoked).get(0)));
  }

  /** The client in {@code slot} as its {@code incarnation}-th process (threads: the first) starts it. */
  private RegisterClientSpec spec(int slot, int incarnation) {
    return new RegisterClientSpec(clientNames(clients).get(slot), bootstrap, TOPIC, slot,
        RegisterClientSpec.seed(seed, slot, incarnation), RegisterClientSpec.firstValue(slot, incarnation),
        startMillis);
  }

  @Override
  public void start() {
    startMillis = System.currentTimeMillis();
    if (processes != null) {
      try {
        processes.startAll();
      } catch (IOException e) {
        throw new UncheckedIOException("reason=client-processes-not-started", e);
      }
      return;
    }
    for (int slot = 0; slot < clients; slot++) {
      RegisterClientSpec spec = spec(slot, 0);
      RecorderChannel channel = new RecorderChannel(recorder.worker(slot), running, this::completed);
      Thread t = new Thread(() -> spec.run(channel), "register-" + slot);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** One process per client, each incarnation with its own block of values and seed; logs in clients/. */
  private ClientProcesses processes(Path runDir) {
    Path logs = ClientProcesses.logDir(runDir);
    List<ClientProcess> list = new ArrayList<>();
    for (int slot = 0; slot < clients; slot++) {
      int s = slot;
      String name = clientNames(clients).get(slot);
      ClientSession session = new ClientSession(name, recorder.worker(slot), RegisterOps.INSTANCE, this::completed);
      list.add(new ClientProcess(session, incarnation -> ClientProcesses.command(spec(s, incarnation).args()),
          logs.resolve(name + ".log")));
    }
    return new ClientProcesses(list);
  }

  /** Stops every client after its current operation; a client process that broke the protocol fails the run here. */
  @Override
  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    if (processes != null) {
      processes.stopAllOrFail(STOP_GRACE);
    }
  }

  /** Reads every key the clients used once more, after the final heal. */
  @Override
  public boolean finalReads(Duration deadline) {
    RecorderChannel channel = new RecorderChannel(recorder.worker(clients), new AtomicBoolean(true), this::completed);
    long until = System.nanoTime() + deadline.toNanos();
    List<List<?>> pending = new ArrayList<>(keysUsed);
    pending.sort((a, b) -> a.toString().compareTo(b.toString()));
    try (RegisterClient client = new RegisterClient(bootstrap, TOPIC)) {
      while (!pending.isEmpty() && System.nanoTime() < until) {
        @SuppressWarnings("unchecked")
        List<Object> key = (List<Object>) pending.get(0);
        if (client.read(channel, key) == RegisterClient.Outcome.OK) {
          pending.remove(0);
        }
      }
    }
    return pending.isEmpty();
  }

  @Override
  public Verdict check(Path history, Path runDir, boolean finalReadsComplete, PrintWriter out) throws IOException {
    return RegisterChecks.run(history, runDir, out);
  }
}
