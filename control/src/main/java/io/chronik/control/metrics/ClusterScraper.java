package io.chronik.control.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Scrapes every broker's {@code /metrics} about once a second during a run on one thread of its own
 * and appends what the report plots to {@code cluster-metrics.csv}:
 * {@code seconds,node,series,value}, seconds in the history's time base. A node that is down,
 * paused or slow (timeouts below a second) just yields no sample for that round. It also counts the
 * nodes' snapshot installs ({@link SnapshotInstalls}) for results.edn.
 */
public final class ClusterScraper implements AutoCloseable {
  public static final String FILE = "cluster-metrics.csv";
  static final String ELECTIONS = "raft_leader_elections_total";
  static final String LED = "chronik_partitions_led";
  static final String UNDER_REPLICATED = "chronik_partitions_under_replicated";
  static final String FSYNC = "chronik_fsync_duration_seconds";
  static final String FSYNC_P99_MS = "fsync_p99_ms";
  private static final Set<String> SCRAPED = Set.of(ELECTIONS, LED, UNDER_REPLICATED, FSYNC + "_bucket",
      SnapshotInstalls.SERIES, SnapshotInstalls.STARTED);
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static final long PERIOD_MS = 1_000;

  private final Map<String, URI> nodes;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private final BufferedWriter out;
  private final HttpClient http;
  private final Thread thread;
  private final Map<String, TreeMap<Double, Double>> lastBuckets = new HashMap<>();
  /** Each node's process start time at its last scrape (NaN: the node exports none). */
  private final Map<String, Double> lastStarted = new HashMap<>();
  private final SnapshotInstalls installs = new SnapshotInstalls();
  private volatile boolean running = true;
  private volatile long rows;

  /**
   * @param nodes node name to its metrics URL ({@code http://addr:adminPort/metrics})
   * @param startNanos the history's time zero on {@code nanoTime}
   */
  public static ClusterScraper start(Path runDir, Map<String, URI> nodes, LongSupplier nanoTime, long startNanos)
      throws IOException {
    return new ClusterScraper(runDir.resolve(FILE), nodes, nanoTime, startNanos);
  }

  private ClusterScraper(Path file, Map<String, URI> nodes, LongSupplier nanoTime, long startNanos)
      throws IOException {
    this.nodes = Map.copyOf(nodes);
    this.nanoTime = nanoTime;
    this.startNanos = startNanos;
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    out.write("seconds,node,series,value\n");
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(Runnable::run).build();
    this.thread = new Thread(this::loop, "cluster-scraper");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      long roundStart = System.nanoTime();
      for (Map.Entry<String, URI> n : new TreeMap<>(nodes).entrySet()) {
        scrape(n.getKey(), n.getValue());
      }
      try {
        out.flush();
        long sleepMs = PERIOD_MS - (System.nanoTime() - roundStart) / 1_000_000;
        if (sleepMs > 0) {
          Thread.sleep(sleepMs);
        }
      } catch (IOException e) {
        return; // the run goes on without cluster metrics; the report just lacks the plots
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void scrape(String node, URI uri) {
    String body;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return;
      }
      body = r.body();
    } catch (IOException e) {
      return; // down, paused or partitioned away: no sample
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    }
    double seconds = (nanoTime.getAsLong() - startNanos) / 1e9;
    try {
      List<PrometheusText.Sample> samples = PrometheusText.parse(body, SCRAPED);
      installs.observe(node, samples);
      for (PrometheusText.Sample s : samples) {
        if (s.le() == null && !s.name().equals(SnapshotInstalls.STARTED)) { // read for restarts, not plotted
          row(seconds, node, s.name(), s.value());
        }
      }
      TreeMap<Double, Double> buckets = PrometheusText.buckets(samples, FSYNC);
      Double started = samples.stream().filter(x -> x.name().equals(SnapshotInstalls.STARTED))
          .map(PrometheusText.Sample::value).findFirst().orElse(null);
      Double startedBefore = lastStarted.put(node, started == null ? Double.NaN : started);
      boolean restarted = started != null && startedBefore != null && !startedBefore.isNaN()
          && !started.equals(startedBefore);
      TreeMap<Double, Double> baseline = fsyncBaseline(lastBuckets.put(node, buckets), buckets, restarted);
      if (baseline != null) {
        double p99 = PrometheusText.quantile(0.99, baseline, buckets);
        if (!Double.isNaN(p99)) {
          row(seconds, node, FSYNC_P99_MS, p99 * 1000);
        }
      }
    } catch (IllegalArgumentException | IOException e) {
      // a malformed exposition from one node: skip the round for it
    }
  }

  /**
   * What to subtract from a node's fsync histogram {@code now} for the p99 of the fsyncs since its last scrape,
   * or null when there is no such delta: no histogram, a first scrape, or counters that went back without a
   * restart seen. A node seen restarted (a new {@code process_start_time_seconds}) counted from zero at that
   * start: the whole histogram is the delta, so a node restarted late in a run still gets its point.
   */
  static TreeMap<Double, Double> fsyncBaseline(TreeMap<Double, Double> before, TreeMap<Double, Double> now,
      boolean restarted) {
    if (now.isEmpty()) {
      return null;
    }
    if (restarted) {
      return new TreeMap<>();
    }
    if (before == null || before.isEmpty() || now.lastEntry().getValue() < before.lastEntry().getValue()) {
      return null;
    }
    return before;
  }

  private void row(double seconds, String node, String series, double value) throws IOException {
    out.write(String.format(Locale.ROOT, "%.3f,%s,%s,%s%n", seconds, node, series, value));
    rows++; // only the scraper thread writes
  }

  /** Rows written so far (a run with none has no cluster plots: the console says so). */
  public long rows() {
    return rows;
  }

  /** The snapshot installs counted so far (complete once closed). */
  public SnapshotInstalls snapshotInstalls() {
    return installs;
  }

  /** Stops the thread (waits for the round in flight) and closes the file. */
  @Override
  public void close() throws IOException {
    running = false; // no interrupt: it would close the file channel under a write
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.close();
  }
}
