package io.chronik.control.workload;

import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.Worker;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import us.bpsm.edn.Keyword;

/**
 * A register workload on consumer-group offsets: the register at key {@code [group partition]} is
 * the group's committed offset of that partition. {@code :write [k v]} is an OffsetCommit of offset
 * v (Admin alterConsumerGroupOffsets: a commit outside any generation, as a standalone consumer
 * makes), {@code :read [k nil]} an OffsetFetch completing as {@code [k v]} ({@code nil}: nothing
 * committed). Values are unique per write, so a read names the write it saw.
 *
 * <p>As Jepsen's independent workloads do, the clients move on to fresh keys every
 * {@link #KEY_GENERATION}, which bounds the operations per key and so the linearizability search.
 * A write whose outcome is not known (timeout, disconnect, coordinator moving) is {@code :info}:
 * it may still take effect. A read that did not complete says nothing and is {@code :fail}, unless
 * it timed out or lost its connection ({@code :info}).
 */
public final class RegisterWorkload implements Workload {
  public static final String TOPIC = "chronik-register";
  public static final Keyword READ = Keyword.newKeyword("read");
  public static final Keyword WRITE = Keyword.newKeyword("write");
  static final Duration KEY_GENERATION = Duration.ofSeconds(10);
  static final int GROUPS_PER_GENERATION = 2;
  /** Partitions of the register topic: each group's keys are its offsets of these. */
  public static final int PARTITIONS = 2;
  public static final WorkloadType TYPE = new WorkloadType("register",
      "consumer-group offsets as registers: commit/fetch, checked for linearizability (keyed-register)",
      TOPIC, s -> PARTITIONS, s -> concurrency(s.clients()), s -> List.of(),
      (bootstrap, seed, recorder, s) -> new RegisterWorkload(bootstrap, s.clients(), seed, recorder));
  private static final Duration OP_TIMEOUT = Duration.ofSeconds(5);

  private final String bootstrap;
  private final int clients;
  private final HistoryRecorder recorder;
  private final long seed;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Set<List<Object>> keysUsed = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long startNanos;

  public RegisterWorkload(String bootstrap, int clients, long seed, HistoryRecorder recorder) {
    this.bootstrap = bootstrap;
    this.clients = clients;
    this.seed = seed;
    this.recorder = recorder;
  }

  /** Recorder threads: the clients and the final reader. */
  public static int concurrency(int clients) {
    return clients + 1;
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

  /** The key {@code [group partition]} a client uses at {@code elapsed} into the run, drawn by {@code random}. */
  static List<Object> key(Duration elapsed, Random random) {
    long generation = elapsed.toMillis() / KEY_GENERATION.toMillis();
    long group = generation * GROUPS_PER_GENERATION + random.nextInt(GROUPS_PER_GENERATION);
    return List.of("chronik-reg-" + group, (long) random.nextInt(PARTITIONS));
  }

  @Override
  public void start() {
    startNanos = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> run(client), "register-" + c);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  @Override
  public void stop() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(OP_TIMEOUT.toMillis()));
    p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return Admin.create(p);
  }

  private void run(int client) {
    Worker worker = recorder.worker(client);
    Random random = new Random(seed * 31 + client);
    long next = (client + 1L) * 1_000_000_000L;
    try (Admin admin = admin()) {
      while (running.get()) {
        List<Object> key = key(Duration.ofNanos(System.nanoTime() - startNanos), random);
        keysUsed.add(key);
        if (random.nextBoolean()) {
          write(worker, admin, key, next++);
        } else {
          read(worker, admin, key);
        }
      }
    }
  }

  private static TopicPartition partition(List<Object> key) {
    return new TopicPartition(TOPIC, ((Long) key.get(1)).intValue());
  }

  private void write(Worker worker, Admin admin, List<Object> key, long value) {
    List<Object> tuple = List.of(key, value);
    Invocation inv = worker.invoke(WRITE, tuple);
    try {
      admin.alterConsumerGroupOffsets((String) key.get(0), Map.of(partition(key), new OffsetAndMetadata(value)))
          .all().get(OP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      inv.ok(tuple);
      ok.incrementAndGet();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // A commit that did not answer may still be applied: never a definite failure.
      inv.info(tuple, errorName(e));
      errors.incrementAndGet();
    } catch (InterruptedException e) {
      inv.info(tuple, "interrupted");
      Thread.currentThread().interrupt();
    }
  }

  /** One recorded OffsetFetch; returns false if it did not complete ok. */
  private boolean read(Worker worker, Admin admin, List<Object> key) {
    Invocation inv = worker.invoke(READ, Arrays.asList(key, null));
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets((String) key.get(0))
          .partitionsToOffsetAndMetadata().get(OP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      OffsetAndMetadata committed = offsets.get(partition(key));
      inv.ok(Arrays.asList(key, committed == null ? null : committed.offset()));
      ok.incrementAndGet();
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      String error = errorName(e);
      if (indeterminate(error)) {
        inv.info(Arrays.asList(key, null), error);
      } else {
        inv.fail(Arrays.asList(key, null), error);
      }
      errors.incrementAndGet();
      return false;
    } catch (InterruptedException e) {
      inv.info(Arrays.asList(key, null), "interrupted");
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Timeouts and lost connections are the unknowns Jepsen records as :info. */
  static boolean indeterminate(String error) {
    return error.contains("Timeout") || error.contains("Disconnect") || error.contains("NetworkException");
  }

  private static String errorName(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName();
  }

  /** Reads every key the clients used once more, after the final heal. */
  @Override
  public boolean finalReads(Duration deadline) {
    Worker worker = recorder.worker(clients);
    long until = System.nanoTime() + deadline.toNanos();
    List<List<Object>> pending = new ArrayList<>(keysUsed);
    pending.sort((a, b) -> a.toString().compareTo(b.toString()));
    try (Admin admin = admin()) {
      while (!pending.isEmpty() && System.nanoTime() < until) {
        if (read(worker, admin, pending.get(0))) {
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
