package io.chronik.control.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One bench run: the loads of the chosen mode, a progress line every second on {@code progress}, and
 * the result as a JSON-ready tree plus an exit code (0 clean, 1 some send failed or records are missing).
 */
final class BenchRun {
  /** MB/s is 2^20 bytes per second, as Kafka's ProducerPerformance reports it, so the two compare directly. */
  static final double MB = 1024.0 * 1024.0;
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** After the producers finish, how long e2e waits for the last records to be read. */
  private static final long E2E_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(15);
  /** consume mode gives up when no record arrived for this long. */
  private static final long CONSUME_IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

  record Outcome(Map<String, Object> json, int exitCode, List<String> summary) {}

  private final BenchSettings s;
  private final PrintStream progress;
  private final List<String> summary = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  private final LeaderWait.Result leaders;

  /** @param leaders the wait for every partition's leader that ran before (null: none ran) */
  BenchRun(BenchSettings settings, PrintStream progress, LeaderWait.Result leaders) {
    this.s = settings;
    this.progress = progress;
    this.leaders = leaders;
  }

  /** Creates the topics that do not exist yet, in one request (AdminClient; existing ones are left as they are). */
  static void createTopics(String bootstrap, List<String> topics, int partitions, short replicationFactor)
      throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> wanted = new ArrayList<>();
      topics.forEach(t -> wanted.add(new NewTopic(t, partitions, replicationFactor)));
      for (var result : admin.createTopics(wanted).values().entrySet()) {
        try {
          result.getValue().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("topic=" + result.getKey() + " reason=create failed detail=" + e.getCause(),
                e);
          }
        }
      }
    }
  }

  /**
   * Fails fast (instead of every send blocking for max.block.ms) when nothing answers at the bootstrap
   * address; returns the number of brokers the cluster reports.
   */
  static int reachable(String bootstrap) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    try (Admin admin = Admin.create(p)) {
      return admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).size();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("bootstrap=" + bootstrap + " reason=cluster not reachable detail="
          + (e.getCause() != null ? e.getCause() : e), e);
    }
  }

  Outcome run() throws Exception {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("tool", "chronik bench");
    json.put("mode", s.mode());
    json.put("bootstrap", s.bootstrap());
    json.put("topic", s.topic());
    json.put("startedAt", Instant.now().toString());
    json.put("settings", s.toJson());
    if (leaders != null) {
      json.put("leaders", leaders.json());
      summary.add(leaders.summary());
      if (!leaders.complete()) {
        problems.add("leaders=" + leaders.led() + "/" + leaders.partitions() + " reason=not every partition led within "
            + BenchSettings.LEADERS_TIMEOUT_SECONDS + "s");
      }
    }
    if (s.mode().equals("leaders")) {
      summary.add(0, "chronik bench leaders: topics=" + s.topics() + " partitions=" + (leaders == null ? 0
          : leaders.partitions()));
    } else if (s.mode().equals("consume")) {
      json.put("consume", consume());
    } else {
      produce(json);
    }
    json.put("problems", problems);
    int exit = problems.isEmpty() ? 0 : 1;
    json.put("exitCode", exit);
    return new Outcome(json, exit, summary);
  }

  private void produce(Map<String, Object> json) throws Exception {
    boolean e2e = s.mode().equals("e2e");
    ConsumeLoad reader = e2e ? new ConsumeLoad(s, true) : null;
    long start = System.nanoTime();
    SendSchedule schedule = new SendSchedule(System::nanoTime, start, s.ratePerSecond(), s.records(),
        TimeUnit.SECONDS.toNanos(s.durationSeconds()), TimeUnit.SECONDS.toNanos(s.warmupSeconds()));
    ProduceLoad load = new ProduceLoad(s, schedule, e2e);
    if (reader != null) {
      reader.start(schedule.warmupEndNanos());
    }
    load.start();
    Thread producers = new Thread(() -> {
      try {
        load.awaitDone();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-producers-join");
    producers.start();
    Ticker ticker = new Ticker(start);
    ticker.until(() -> !producers.isAlive(), () -> progressLine(ticker.seconds(), load, reader));
    producers.join();
    if (reader != null) {
      reader.finishAt(load.acked.get(), System.nanoTime() + E2E_DRAIN_NANOS);
      ticker.until(reader::isDone, () -> progressLine(ticker.seconds(), load, reader));
      reader.awaitDone();
    }
    Map<String, Object> produced = load.result();
    json.put("produce", produced);
    summarizeProduce(load, produced);
    if (reader != null) {
      Map<String, Object> e2eResult = reader.result();
      json.put("e2e", e2eResult);
      summary.add("  e2e ms      produce→consume, from intended send time: " + reader.latency().line());
      long missing = (long) produced.get("measuredRecords") - reader.measuredConsumed.get();
      if (missing > 0 && !s.acks().equals("0")) {
        problems.add("e2e missing=" + missing + " reason=acknowledged records not read within "
            + TimeUnit.NANOSECONDS.toSeconds(E2E_DRAIN_NANOS) + "s");
      }
    }
  }

  private void summarizeProduce(ProduceLoad load, Map<String, Object> r) {
    summary.add(String.format(Locale.ROOT, "chronik bench %s: topic=%s records=%d acked=%d errors=%d measured=%d%s",
        s.mode(), s.topic(), r.get("records"), r.get("acked"), r.get("errors"), r.get("measuredRecords"),
        s.warmupSeconds() > 0 ? " (first " + s.warmupSeconds() + "s are warm-up, not measured)" : ""));
    summary.add(String.format(Locale.ROOT, "  throughput  %.0f rec/s  %.2f MB/s  over %.1f s",
        (double) r.get("recordsPerSecond"), (double) r.get("mbPerSecond"), (double) r.get("elapsedSeconds")));
    summary.add("  latency ms  send→ack, from intended send time: " + load.latency().line());
    if (load.errors.get() > 0) {
      problems.add("errors=" + load.errors.get() + " first=" + load.firstErrors());
    }
  }

  private Map<String, Object> consume() throws Exception {
    ConsumeLoad reader = new ConsumeLoad(s, false);
    long target = s.records() > 0 ? s.records() : reader.available();
    long start = System.nanoTime();
    long deadline = s.durationSeconds() > 0 ? start + TimeUnit.SECONDS.toNanos(s.durationSeconds()) : Long.MAX_VALUE;
    reader.finishAt(target, deadline);
    reader.start(start);
    Ticker ticker = new Ticker(start);
    long[] lastCount = {0};
    long[] lastProgressNanos = {start};
    ticker.until(reader::isDone, () -> {
      long now = System.nanoTime();
      long count = reader.consumed.get();
      progress.printf(Locale.ROOT, "t=%ds consumed=%d rate=%d/s MB/s=%.2f%n", ticker.seconds(), count,
          count - lastCount[0], (count - lastCount[0]) * (double) s.recordSizeBytes() / MB);
      if (count != lastCount[0]) {
        lastProgressNanos[0] = now;
      } else if (now - lastProgressNanos[0] > CONSUME_IDLE_NANOS) {
        reader.finishAt(0, now); // nothing more is coming: stop and report what was read
      }
      lastCount[0] = count;
    });
    reader.awaitDone();
    Map<String, Object> r = reader.result();
    r.put("target", target == Long.MAX_VALUE ? null : target);
    summary.add(String.format(Locale.ROOT, "chronik bench consume: topic=%s consumed=%d bytes=%d", s.topic(),
        r.get("consumed"), r.get("bytes")));
    summary.add(String.format(Locale.ROOT, "  throughput  %.0f rec/s  %.2f MB/s  over %.1f s",
        (double) r.get("recordsPerSecond"), (double) r.get("mbPerSecond"), (double) r.get("elapsedSeconds")));
    if (s.durationSeconds() == 0 && target != Long.MAX_VALUE && reader.consumed.get() < target) {
      problems.add("consumed=" + reader.consumed.get() + " target=" + target + " reason=fewer records than asked");
    }
    return r;
  }

  private void progressLine(long seconds, ProduceLoad load, ConsumeLoad reader) {
    Histogram h = load.interval.getIntervalHistogram();
    load.drainMeasured();
    long acked = load.acked.get();
    long rate = h.getTotalCount();
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "t=%ds sent=%d acked=%d rate=%d/s MB/s=%.2f p50=%.2f p99=%.2f errors=%d", seconds, load.sent.get(), acked,
        rate, rate * (double) s.recordSizeBytes() / MB, h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, load.errors.get()));
    if (reader != null) {
      Histogram e = reader.interval.getIntervalHistogram();
      reader.drainMeasured();
      line.append(String.format(Locale.ROOT, " consumed=%d e2e.p50=%.2f e2e.p99=%.2f", reader.consumed.get(),
          e.getValueAtPercentile(50) / 1000.0, e.getValueAtPercentile(99) / 1000.0));
    }
    progress.println(line);
  }

  /** Runs an action on each whole second since {@code start} until a condition holds (checked every 50 ms). */
  private static final class Ticker {
    private final long start;
    private long nextTick;

    Ticker(long start) {
      this.start = start;
      this.nextTick = start + SECOND_NANOS;
    }

    long seconds() {
      return Math.round((System.nanoTime() - start) / 1e9);
    }

    void until(BooleanSupplier done, Runnable onTick) {
      while (!done.getAsBoolean()) {
        long now = System.nanoTime();
        if (now >= nextTick) {
          onTick.run();
          nextTick += SECOND_NANOS * Math.max(1, (now - nextTick) / SECOND_NANOS + 1);
        }
        LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(50), Math.max(1, nextTick - now)));
      }
    }
  }
}
