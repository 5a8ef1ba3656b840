package io.chronik.control.workload;

import io.chronik.control.nemesis.ClientFleet;
import io.chronik.control.workload.client.ClientMessage;
import io.chronik.control.workload.client.ClientOps;
import io.chronik.control.workload.client.ClientProcess;
import io.chronik.control.workload.client.ClientProcesses;
import io.chronik.control.workload.client.ClientSession;
import io.chronik.control.workload.client.KafkaClientSpec;
import io.chronik.control.workload.client.KafkaSettings;
import io.chronik.control.workload.client.RecorderChannel;
import io.chronik.verifier.kafka.LogExtent;
import io.chronik.verifier.kafka.Retention;
import io.chronik.verifier.recorder.HistoryRecorder;
import io.chronik.verifier.recorder.Invocation;
import io.chronik.verifier.recorder.KafkaMicroOps;
import io.chronik.verifier.recorder.Worker;
import io.chronik.verifier.report.HistoryChecks;
import io.chronik.verifier.report.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import us.bpsm.edn.Keyword;

/**
 * The Kafka log workload with the official Kafka Java client, recorded in Jepsen's Kafka op shapes:
 * producers {@code p1..pN} send unique values to partitions ({@code :send}), consumers {@code c1..cM}
 * poll ({@code :poll}) — each assigned every partition, or members of one group that share them
 * ({@code :subscribe}) — and after the faults a final reader reads each partition from the beginning
 * to its end offset, its assign naming each partition's log start and end offsets and the topic's
 * retention settings ({@link LogExtent}). Partition numbers are the history's keys. Any error whose
 * effect is unknown is recorded as {@code :info}, so the checker treats it as possibly applied.
 *
 * <p>Producers and consumers run as threads of the control node, or as separate processes
 * ({@link ClientProcesses}: what client faults kill -9 and restart). Either way each client is one
 * history thread and runs the same code ({@link KafkaClientSpec#run}); the final reader is always a
 * thread of the control node.
 */
public final class KafkaWorkload implements Workload {
  public static final String TOPIC = "chronik-log";
  public static final WorkloadType TYPE = new WorkloadType("kafka",
      "Kafka log: idempotent producers send unique values, consumers poll (every partition, or --consumer-mode "
          + "subscribe: one group) (kafka checker)",
      TOPIC, WorkloadSettings::partitions, s -> concurrency(s.producers(), s.consumers()), KafkaWorkload::clientNames,
      (bootstrap, seed, recorder, s) -> new KafkaWorkload(bootstrap, s, recorder));
  /** A producer may be inside a 15 s send when asked to stop; then it closes its client. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(25);
  private static final Keyword SEND = KafkaMicroOps.SEND;

  private final String bootstrap;
  private final WorkloadSettings settings;
  private final HistoryRecorder recorder;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong indeterminate = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  /** The client processes (not yet started), or null when clients are threads. */
  private final ClientProcesses processes;

  public KafkaWorkload(String bootstrap, WorkloadSettings settings, HistoryRecorder recorder) {
    if (!settings.acks().equals("all") && !settings.acks().equals("1")) {
      throw new IllegalArgumentException("acks=" + settings.acks() + " reason=expected-all-or-1");
    }
    this.bootstrap = bootstrap;
    this.settings = settings;
    this.recorder = recorder;
    this.processes = settings.clientProcesses() ? processes() : null;
  }

  /** Recorder threads: one per producer and consumer, and the final reader. */
  public static int concurrency(int producers, int consumers) {
    return producers + consumers + 1;
  }

  /** Producers p1..pN, then consumers c1..cM. */
  public static List<String> clientNames(WorkloadSettings s) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= s.producers(); i++) {
      names.add("p" + i);
    }
    for (int i = 1; i <= s.consumers(); i++) {
      names.add("c" + i);
    }
    return names;
  }

  /** Every client, in history-thread order. */
  List<KafkaClientSpec> specs() {
    List<KafkaClientSpec> specs = new ArrayList<>();
    List<String> names = clientNames(settings);
    for (int slot = 0; slot < names.size(); slot++) {
      KafkaClientSpec.Role role = slot < settings.producers() ? KafkaClientSpec.Role.PRODUCER
          : KafkaClientSpec.Role.CONSUMER;
      specs.add(new KafkaClientSpec(role, names.get(slot), bootstrap, TOPIC, settings.partitions(), settings.acks(),
          slot, KafkaClientSpec.firstValue(slot, 0), settings.subscribe(), KafkaSettings.GROUP));
    }
    return specs;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String topic() {
    return TOPIC;
  }

  @Override
  public long okCount() {
    return acknowledged.get();
  }

  @Override
  public long errorCount() {
    return indeterminate.get();
  }

  @Override
  public ClientFleet clients() {
    return processes != null ? processes : ClientFleet.NONE;
  }

  @Override
  public Verdict check(Path history, Path runDir, boolean finalReadsComplete, PrintWriter out) throws IOException {
    return HistoryChecks.run("kafka", history, runDir, finalReadsComplete, out);
  }

  /** Counts sends for the progress line (polls are not counted). */
  private void completed(Keyword f, Object invoked, ClientMessage.Type type) {
    if (f.equals(SEND)) {
      (type == ClientMessage.Type.OK ? acknowledged : indeterminate).incrementAndGet();
    }
  }

  @Override
  public void start() {
    if (processes != null) {
      try {
        processes.startAll();
      } catch (IOException e) {
        throw new UncheckedIOException("reason=client-processes-not-started", e);
      }
      return;
    }
    for (KafkaClientSpec spec : specs()) {
      RecorderChannel channel = new RecorderChannel(recorder.worker(spec.slot()), running, this::completed);
      Thread t = new Thread(() -> spec.run(channel), spec.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** One process per client, each incarnation of a producer with its own block of values; logs in clients/. */
  private ClientProcesses processes() {
    Path logs = ClientProcesses.logDir(settings.runDir());
    List<ClientProcess> list = new ArrayList<>();
    for (KafkaClientSpec spec : specs()) {
      ClientSession session = new ClientSession(spec.name(), recorder.worker(spec.slot()), ClientOps.KAFKA,
          this::completed);
      list.add(new ClientProcess(session, incarnation -> ClientProcesses.command(
          spec.withFirstValue(KafkaClientSpec.firstValue(spec.slot(), incarnation)).args()),
          logs.resolve(spec.name() + ".log")));
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

  private List<TopicPartition> topicPartitions() {
    List<TopicPartition> tps = new ArrayList<>();
    for (int k = 0; k < settings.partitions(); k++) {
      tps.add(new TopicPartition(TOPIC, k));
    }
    return tps;
  }

  private List<Object> keys() {
    long[] keys = new long[settings.partitions()];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = k;
    }
    return KafkaMicroOps.keys(keys);
  }

  /**
   * Reads every partition from the beginning up to its end offset as seen once producers stopped.
   * Returns true only when every partition was read to the end within the deadline, which is what
   * makes unacknowledged-but-unseen values a proven error rather than a maybe.
   */
  @Override
  public boolean finalReads(Duration deadline) {
    Worker worker = recorder.worker(settings.producers() + settings.consumers());
    long until = System.nanoTime() + deadline.toNanos();
    try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(KafkaSettings.consumer(bootstrap, "final-reader"),
        new LongDeserializer(), new LongDeserializer())) {
      Map<TopicPartition, Long> end = consumer.endOffsets(topicPartitions(), deadline);
      // Before the read: the log can only start later by the time it fetches, so a value below this
      // start is one retention deleted (the checker bounds how far that may go by the retention settings).
      Map<TopicPartition, Long> start = consumer.beginningOffsets(topicPartitions(), deadline);
      Map<String, String> configs = topicConfigs(Duration.ofMillis(Math.min(deadline.toMillis(), 10_000)));
      // declared in the history: the checker takes this complete read from the beginning as the log's content
      Map<Keyword, Object> extra = new LinkedHashMap<>();
      extra.put(KafkaMicroOps.SEEK_TO_BEGINNING, true);
      extra.putAll(LogExtent.edn(byKey(start), byKey(end), configs == null ? null : Retention.edn(configs)));
      Invocation assign = worker.invoke(KafkaMicroOps.ASSIGN, keys(), extra);
      consumer.assign(topicPartitions());
      consumer.seekToBeginning(topicPartitions());
      assign.ok(keys());
      while (System.nanoTime() < until) {
        poll(worker, consumer, Duration.ofMillis(500));
        boolean done = true;
        for (TopicPartition tp : topicPartitions()) {
          done &= consumer.position(tp, deadline) >= end.getOrDefault(tp, 0L);
        }
        if (done) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Map<Long, Long> byKey(Map<TopicPartition, Long> offsets) {
    Map<Long, Long> m = new java.util.TreeMap<>();
    offsets.forEach((tp, offset) -> m.put((long) tp.partition(), offset));
    return m;
  }

  /** The topic's effective configs (its own over the broker's defaults), or null when they cannot be described. */
  private Map<String, String> topicConfigs(Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
    try (Admin admin = Admin.create(p)) {
      Config config = admin.describeConfigs(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .get(topic);
      Map<String, String> m = new LinkedHashMap<>();
      config.entries().forEach(e -> {
        if (e.value() != null) {
          m.put(e.name(), e.value());
        }
      });
      return m;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** One recorded poll of the final reader. */
  private static void poll(Worker worker, KafkaConsumer<Long, Long> consumer, Duration timeout) {
    Invocation inv = worker.invoke(KafkaMicroOps.POLL, List.of(KafkaMicroOps.poll()));
    try {
      ConsumerRecords<Long, Long> records = consumer.poll(timeout);
      Map<Long, List<long[]>> byKey = new LinkedHashMap<>();
      for (ConsumerRecord<Long, Long> r : records) {
        byKey.computeIfAbsent((long) r.partition(), k -> new ArrayList<>()).add(new long[] {r.offset(), r.value()});
      }
      inv.ok(List.of(KafkaMicroOps.polled(byKey)));
    } catch (RuntimeException e) {
      inv.info(List.of(KafkaMicroOps.poll()), e.getClass().getSimpleName());
    }
  }
}
