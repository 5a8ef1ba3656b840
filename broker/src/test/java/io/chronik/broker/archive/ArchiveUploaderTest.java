package io.chronik.broker.archive;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chronik.broker.replication.ArchiveTarget;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The archive's rounds against a real S3 API server: parallel uploads, the lag in bytes and its bound. */
class ArchiveUploaderTest {
  private static final String BUCKET = "archive";
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger uploaderLog = (Logger) LoggerFactory.getLogger(ArchiveUploader.class);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private S3Server server;
  private ArchiveClient client;

  @TempDir
  Path dir;

  @BeforeEach
  void start() throws Exception {
    server = S3Server.start(BUCKET);
    client = new ArchiveClient(BUCKET, server.endpoint(), "us-east-1", true, Duration.ofSeconds(5));
    logged.start();
    uploaderLog.addAppender(logged);
  }

  @AfterEach
  void stop() throws Exception {
    uploaderLog.detachAppender(logged);
    client.close();
    server.close();
  }

  /**
   * The pool's tasks, with the most that ran at once: each of the first two holds until the other started too (or
   * 5 s passed), so two uploads overlap exactly when the uploader hands them to the pool together.
   */
  private static final class WatchedPool extends ThreadPoolExecutor {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch twoStarted = new java.util.concurrent.CountDownLatch(2);

    WatchedPool(int threads) {
      super(threads, threads, 0, TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      twoStarted.countDown();
      try {
        twoStarted.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
      running.decrementAndGet();
    }
  }

  private ArchiveUploader uploader(ExecutorService pool, List<ArchiveTarget> led, long lagBoundBytes)
      throws Exception {
    GroupArchiver archiver = new GroupArchiver(client, ArchiveLocation.parse("s3://" + BUCKET + "/prod"), 1,
        Files.createDirectories(dir.resolve("scratch")), ArchiveCompression.NONE, pool);
    return new ArchiveUploader(archiver, pool, answer -> {
      answer.accept(List.copyOf(led));
      return true;
    }, 100, lagBoundBytes, registry);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void groupsUploadInParallelAndEachObjectIsSentOnceBeforeItsManifest() throws Exception {
    List<ArchiveTarget> led = new ArrayList<>();
    Map<String, Long> lastIndex = new HashMap<>();
    for (String g : List.of("g-a", "g-b", "g-c")) {
      Path group = Files.createDirectories(dir.resolve("raft").resolve(g));
      long last = GroupArchiverTest.append(group, 0, 40);
      lastIndex.put(g, last);
      led.add(new ArchiveTarget(g, group, last));
    }
    WatchedPool pool = new WatchedPool(4);
    try (ArchiveUploader uploader = uploader(pool, led, Long.MAX_VALUE)) {
      uploader.round();
      assertThat(pool.mostAtOnce.get()).as("uploads at once").isGreaterThan(1);
      long objectBytes = 0;
      Map<String, Integer> sent = new ConcurrentHashMap<>();
      for (ArchiveTarget t : led) {
        String folder = ArchiveLocation.parse("s3://" + BUCKET + "/prod").groupFolder(1, t.groupDir());
        ArchiveManifest m = ArchiveManifest.decode(client.get(folder + "manifest"), t.groupDir());
        assertThat(m.archivedIndex()).isEqualTo(lastIndex.get(t.groupDir()));
        assertThat(client.list(folder)).as("every object the manifest names is in")
            .containsAll(m.files().stream().map(f -> folder + f.object()).toList());
        for (ArchiveManifest.ArchivedFile f : m.files()) {
          objectBytes += f.bytes();
          sent.merge(folder + f.object(), 1, Integer::sum);
        }
      }
      double uploaded = registry.get("chronik.archive.uploaded").functionCounter().count();
      assertThat(uploaded).as("bytes sent: each object once").isEqualTo((double) objectBytes);
      uploader.round();
      assertThat(registry.get("chronik.archive.uploaded").functionCounter().count()).as("a round with nothing new")
          .isEqualTo(uploaded);
      assertThat(gauge("chronik.archive.lag.bytes")).isZero();
      assertThat(gauge("chronik.archive.lag.entries")).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aLagPastTheBoundIsExportedAndWarnedAtMostOnceAMinute() throws Exception {
    Path group = Files.createDirectories(dir.resolve("raft").resolve("g-slow"));
    long last = GroupArchiverTest.append(group, 0, 20);
    List<ArchiveTarget> led = new ArrayList<>(List.of(new ArchiveTarget("g-slow", group, last)));
    ExecutorService pool = ArchiveUploader.pool(2);
    long boundBytes = 30_000;
    try (ArchiveUploader uploader = uploader(pool, led, boundBytes)) {
      uploader.round();
      assertThat(gauge("chronik.archive.lag.bytes")).isZero();
      assertThat(gauge("chronik.archive.lag.bound.bytes")).isEqualTo((double) boundBytes);
      server.close(); // S3 goes away; the log keeps growing past the bound
      long archivedBytes = GroupArchiverTest.folderBytes(group);
      last = GroupArchiverTest.append(group, last, 40);
      led.set(0, new ArchiveTarget("g-slow", group, last));
      uploader.round();
      uploader.round();
      long behind = GroupArchiverTest.folderBytes(group) - archivedBytes;
      assertThat(gauge("chronik.archive.lag.bytes")).isGreaterThan(boundBytes).isEqualTo((double) behind);
      assertThat(gauge("chronik.archive.lag.entries")).isEqualTo(40);
      assertThat(registry.scrape()).as("as /metrics exports them")
          .containsPattern("(?m)^chronik_archive_lag_bytes(\\{[^}]*})? " + (double) behind + "$")
          .containsPattern("(?m)^chronik_archive_lag_bound_bytes(\\{[^}]*})? " + (double) boundBytes + "$");
      List<String> warnings = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("reason=lag-over-bound")).toList();
      assertThat(warnings).as("two rounds over the bound, one warning a minute").hasSize(1);
      assertThat(warnings.get(0)).contains("lagBytes=" + (long) behind).contains("lagBytesMax=" + boundBytes)
          .contains("largestGroup=g-slow");
    } finally {
      pool.shutdownNow();
      server = S3Server.start(BUCKET); // for stop()
    }
  }
}
