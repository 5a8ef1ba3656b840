package io.chronik.broker.archive;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.replication.ArchiveTarget;
import io.chronik.broker.replication.ReplicatedNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop of the snapshot archive: every {@code archive.interval.ms} it asks the driver
 * which groups this node leads and archives each one ({@link GroupArchiver}), their objects sent on a
 * pool of {@code archive.upload.threads}; a round waits for every group it started, so no group is ever
 * archived twice at once. It runs on its own threads and only reads files the log already synced, so S3
 * being slow or down never blocks or fails produce and fetch: a failed group is logged
 * ({@code archive=… reason=upload-failed}), counted, and retried with exponential backoff, while the lag
 * metrics show how far the archive has fallen behind; past {@code archive.lag.bytes.max} it says so in
 * the log at most once a minute ({@code reason=lag-over-bound}).
 */
public final class ArchiveUploader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveUploader.class);
  static final long BACKOFF_MAX_MS = 60_000;
  static final long LAG_WARNING_EVERY_MS = 60_000;

  private final GroupArchiver archiver;
  private final Predicate<Consumer<List<ArchiveTarget>>> targets;
  private final long intervalMs;
  private final long lagBoundBytes;
  private final ExecutorService uploads;
  private final Map<String, GroupState> groups = new HashMap<>();
  /** {@link #LAG_UNKNOWN} until a round has finished: a node that has not looked yet must not read as caught up. */
  private final AtomicLong lagEntries = new AtomicLong(LAG_UNKNOWN);
  private static final long LAG_UNKNOWN = Long.MIN_VALUE;
  private final AtomicLong lagBytes = new AtomicLong(LAG_UNKNOWN);
  private final AtomicLong lastSuccessMs = new AtomicLong();
  private long lagWarnedAtMs = -LAG_WARNING_EVERY_MS;
  private final Counter failures;
  private final Counter manifests;
  private final Counter rounds;
  private final Thread thread;
  private volatile boolean running = true;
  private ArchiveClient client;

  /** Per group: where its archive stands and when it may be tried again. */
  private static final class GroupState {
    ArchiveManifest manifest;
    int failures;
    long retryAtMs;
    long commitIndex;
  }

  /**
   * @param archiver sends its uploads on {@code uploads}, which this uploader shuts down on close
   * @param targets asks the driver for the groups this node leads; false when it could not ask
   * @param lagBoundBytes past this many unarchived bytes (all led groups) the lag is logged as a warning
   */
  public ArchiveUploader(GroupArchiver archiver, ExecutorService uploads,
      Predicate<Consumer<List<ArchiveTarget>>> targets, long intervalMs, long lagBoundBytes, MeterRegistry registry) {
    this.archiver = archiver;
    this.uploads = uploads;
    this.targets = targets;
    this.intervalMs = intervalMs;
    this.lagBoundBytes = lagBoundBytes;
    Gauge.builder("chronik.archive.lag.bytes", lagBytes, l -> l.get() == LAG_UNKNOWN ? Double.NaN : l.get())
        .description("Committed bytes of the logs of the groups this node leads not yet in the archive (all "
            + "groups), as of the end of the last round; NaN before the first")
        .register(registry);
    Gauge.builder("chronik.archive.lag.bound.bytes", () -> lagBoundBytes)
        .description("archive.lag.bytes.max: past it the lag is logged as a warning (reason=lag-over-bound)")
        .register(registry);
    Gauge.builder("chronik.archive.lag.entries", lagEntries, l -> l.get() == LAG_UNKNOWN ? Double.NaN : l.get())
        .description("Committed Raft entries of the groups this node leads not yet in the archive (largest group), "
            + "as of the end of the last round; NaN before the first")
        .register(registry);
    Gauge.builder("chronik.archive.last.success.age.seconds", lastSuccessMs,
            t -> t.get() == 0 ? -1 : (System.currentTimeMillis() - t.get()) / 1000.0)
        .description("Seconds since a round archived every group it tried (-1 before the first)").register(registry);
    this.failures = Counter.builder("chronik.archive.failures").description("Group uploads that failed").register(registry);
    this.manifests = Counter.builder("chronik.archive.manifests").description("Manifests written").register(registry);
    this.rounds = Counter.builder("chronik.archive.rounds")
        .description("Archive rounds finished (a round started after a write and finished holds it, or says why not)")
        .register(registry);
    registry.more().counter("chronik.archive.uploaded", List.of(), archiver, GroupArchiver::bytesUploaded);
    this.thread = new Thread(this::run, "chronik-archive");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * The archive {@code config} asks for, started, or null when {@code archive.s3.uri} is empty. Its
   * scratch files (compressed objects on their way out) live in {@code <data>/archive.tmp}.
   */
  public static ArchiveUploader start(BrokerConfig config,
      ReplicatedNode replication, MeterRegistry registry, Path data)
      throws IOException {
    String uri = config.get(BrokerSettings.ARCHIVE_S3_URI);
    if (uri.isEmpty()) {
      return null;
    }
    ArchiveLocation location = ArchiveLocation.parse(uri);
    Path scratch = data.resolve("archive.tmp");
    if (Files.isDirectory(scratch)) {
      try (var old = Files.list(scratch)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(scratch);
    ArchiveClient client = new ArchiveClient(location.bucket(),
        config.get(BrokerSettings.ARCHIVE_S3_ENDPOINT),
        config.get(BrokerSettings.ARCHIVE_S3_REGION),
        config.get(BrokerSettings.ARCHIVE_S3_PATH_STYLE), Duration.ofSeconds(60));
    ArchiveCompression compression = ArchiveCompression.named(config.get(BrokerSettings.ARCHIVE_COMPRESSION));
    int threads = config.get(BrokerSettings.ARCHIVE_UPLOAD_THREADS);
    ExecutorService uploads = pool(threads);
    ArchiveUploader uploader = new ArchiveUploader(
        new GroupArchiver(client, location, config.nodeId(), scratch, compression, uploads), uploads,
        replication.views()::archiveTargets, config.get(BrokerSettings.ARCHIVE_INTERVAL_MS),
        config.get(BrokerSettings.ARCHIVE_LAG_BYTES_MAX), registry);
    uploader.client = client;
    uploader.start();
    LOG.info("archive={} intervalMs={} compression={} uploadThreads={} lagBytesMax={} node={}", location,
        uploader.intervalMs, compression.name().toLowerCase(java.util.Locale.ROOT), threads, uploader.lagBoundBytes,
        config.nodeId());
    return uploader;
  }

  /** The upload pool: {@code threads} daemon threads named {@code chronik-archive-upload-N}. */
  public static ExecutorService pool(int threads) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "chronik-archive-upload-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
  }

  private void run() {
    while (running) {
      try {
        round();
        Thread.sleep(intervalMs);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("archive=round reason=failed error={}", e.toString());
        sleepQuietly(intervalMs);
      }
    }
  }

  /** One pass over the groups this node leads now. */
  void round() throws InterruptedException {
    List<ArchiveTarget> list = ledGroups();
    if (list == null) {
      return;
    }
    long now = System.currentTimeMillis();
    boolean allOk = true;
    Map<ArchiveTarget, CompletableFuture<ArchiveManifest>> started = new LinkedHashMap<>();
    for (ArchiveTarget target : list) {
      if (!running) {
        return;
      }
      GroupState state = groups.computeIfAbsent(target.groupDir(), k -> new GroupState());
      state.commitIndex = target.commitIndex();
      if (now < state.retryAtMs) {
        allOk = false;
        continue;
      }
      try {
        started.put(target, archiver.archive(target, state.manifest));
      } catch (Exception e) {
        allOk &= failed(target, state, e);
      }
    }
    for (Map.Entry<ArchiveTarget, CompletableFuture<ArchiveManifest>> group : started.entrySet()) {
      GroupState state = groups.get(group.getKey().groupDir());
      try {
        archived(state, group.getValue().get());
      } catch (ExecutionException e) {
        allOk &= failed(group.getKey(), state, e.getCause());
      }
    }
    // The lag is measured against the commit indexes after the uploads, not the ones the round started
    // from: a round that began before a write must not report that write as archived.
    List<ArchiveTarget> after = ledGroups();
    if (after != null) {
      measureLag(after);
    }
    if (allOk) {
      lastSuccessMs.set(System.currentTimeMillis());
    }
    rounds.increment();
  }

  /** The groups this node leads and their commit indexes, or null when the driver could not say. */
  private List<ArchiveTarget> ledGroups() throws InterruptedException {
    CompletableFuture<List<ArchiveTarget>> led = new CompletableFuture<>();
    if (!targets.test(led::complete)) {
      return null;
    }
    try {
      return led.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("archive=round reason=no-targets error={}", e.toString());
      return null;
    }
  }

  private void measureLag(List<ArchiveTarget> led) {
    long lag = 0;
    long bytes = 0;
    long largest = -1;
    String largestGroup = "";
    for (ArchiveTarget target : led) {
      GroupState state = groups.get(target.groupDir());
      ArchiveManifest manifest = state == null ? null : state.manifest;
      lag = Math.max(lag, target.commitIndex() - (manifest == null ? 0 : manifest.archivedIndex()));
      long groupBytes;
      try {
        groupBytes = GroupArchiver.unarchivedBytes(target.directory(), manifest, target.commitIndex());
      } catch (IOException e) {
        continue; // the group moved or is being deleted: the next round sees it as it is then
      }
      bytes += groupBytes;
      if (groupBytes > largest) {
        largest = groupBytes;
        largestGroup = target.groupDir();
      }
    }
    lagEntries.set(lag);
    lagBytes.set(bytes);
    long now = System.currentTimeMillis();
    if (bytes > lagBoundBytes && now - lagWarnedAtMs >= LAG_WARNING_EVERY_MS) {
      lagWarnedAtMs = now;
      LOG.warn("archive={} reason=lag-over-bound lagBytes={} lagBytesMax={} lagEntries={} groups={} largestGroup={} "
          + "largestGroupLagBytes={} nextWarningInMs={}", archiver.location(), bytes, lagBoundBytes, lag, led.size(),
          largestGroup, largest, LAG_WARNING_EVERY_MS);
    }
  }

  private void archived(GroupState state, ArchiveManifest written) {
    if (written != state.manifest) {
      manifests.increment();
    }
    state.manifest = written;
    state.failures = 0;
    state.retryAtMs = 0;
  }

  /** Counts and logs a failed group and sets when it may be tried again; false, for the round's tally. */
  private boolean failed(ArchiveTarget target, GroupState state, Throwable e) {
    failures.increment();
    state.failures++;
    long backoffMs = Math.min(BACKOFF_MAX_MS, intervalMs << Math.min(16, state.failures));
    state.retryAtMs = System.currentTimeMillis() + backoffMs;
    LOG.warn("archive={} group={} reason=upload-failed attempt={} retryInMs={} error={}", archiver.location(),
        target.groupDir(), state.failures, backoffMs, e.toString());
    return false;
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    uploads.shutdownNow();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (client != null) {
      client.close();
    }
  }
}
