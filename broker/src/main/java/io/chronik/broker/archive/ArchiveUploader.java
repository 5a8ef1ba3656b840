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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop of the snapshot archive: every {@code archive.interval.ms} it asks the driver
 * which groups this node leads and archives each one ({@link GroupArchiver}). It runs on its own
 * thread and only reads files the log already synced, so S3 being slow or down never blocks or fails
 * produce and fetch: a failed group is logged ({@code archive=… reason=upload-failed}), counted, and
 * retried with exponential backoff, while the lag metric shows how far the archive has fallen behind.
 */
public final class ArchiveUploader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveUploader.class);
  static final long BACKOFF_MAX_MS = 60_000;

  private final GroupArchiver archiver;
  private final Predicate<Consumer<List<ArchiveTarget>>> targets;
  private final long intervalMs;
  private final Map<String, GroupState> groups = new HashMap<>();
  /** {@link #LAG_UNKNOWN} until a round has finished: a node that has not looked yet must not read as caught up. */
  private final AtomicLong lagEntries = new AtomicLong(LAG_UNKNOWN);
  private static final long LAG_UNKNOWN = Long.MIN_VALUE;
  private final AtomicLong lastSuccessMs = new AtomicLong();
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
   * @param targets asks the driver for the groups this node leads; false when it could not ask
   */
  public ArchiveUploader(GroupArchiver archiver, Predicate<Consumer<List<ArchiveTarget>>> targets, long intervalMs,
      MeterRegistry registry) {
    this.archiver = archiver;
    this.targets = targets;
    this.intervalMs = intervalMs;
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
    ArchiveUploader uploader = new ArchiveUploader(new GroupArchiver(client, location, config.nodeId(), scratch),
        replication.views()::archiveTargets, config.get(BrokerSettings.ARCHIVE_INTERVAL_MS), registry);
    uploader.client = client;
    uploader.start();
    LOG.info("archive={} intervalMs={} node={}", location, uploader.intervalMs, config.nodeId());
    return uploader;
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
    for (ArchiveTarget target : list) {
      if (!running) {
        return;
      }
      GroupState state = groups.computeIfAbsent(target.groupDir(), k -> new GroupState());
      state.commitIndex = target.commitIndex();
      if (now >= state.retryAtMs) {
        allOk &= archive(target, state, now);
      } else {
        allOk = false;
      }
    }
    // The lag is measured against the commit indexes after the uploads, not the ones the round started
    // from: a round that began before a write must not report that write as archived.
    List<ArchiveTarget> after = ledGroups();
    if (after != null) {
      long lag = 0;
      for (ArchiveTarget target : after) {
        GroupState state = groups.get(target.groupDir());
        long archived = state == null || state.manifest == null ? 0 : state.manifest.archivedIndex();
        lag = Math.max(lag, target.commitIndex() - archived);
      }
      lagEntries.set(lag);
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

  private boolean archive(ArchiveTarget target, GroupState state, long now) {
    try {
      ArchiveManifest written = archiver.archive(target, state.manifest);
      if (written != state.manifest) {
        manifests.increment();
      }
      state.manifest = written;
      state.failures = 0;
      state.retryAtMs = 0;
      return true;
    } catch (Exception e) {
      failures.increment();
      state.failures++;
      long backoffMs = Math.min(BACKOFF_MAX_MS, intervalMs << Math.min(16, state.failures));
      state.retryAtMs = now + backoffMs;
      LOG.warn("archive={} group={} reason=upload-failed attempt={} retryInMs={} error={}", archiver.location(),
          target.groupDir(), state.failures, backoffMs, e.toString());
      return false;
    }
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
