package io.chronik.broker.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.broker.replication.ArchiveTarget;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.SegmentedLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A group's archive against a real S3 API server, restored with {@link ArchiveRestore}: real segment files. */
class GroupArchiverTest {
  private static final String BUCKET = "archive";
  static S3Server server;
  static ArchiveClient client;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(BUCKET);
    client = new ArchiveClient(BUCKET, server.endpoint(), "us-east-1", true, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    server.close();
  }

  /** Appends {@code count} entries of 1000 random bytes after {@code lastIndex} to the group's log (8 KiB segments). */
  static long append(Path group, long lastIndex, int count) throws Exception {
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), group, LogConfig.defaults().withSegmentBytes(8192)
        .withPreallocate(false), lastIndex, false)) {
      Random random = new Random(lastIndex);
      for (long i = lastIndex + 1; i <= lastIndex + count; i++) {
        byte[] payload = new byte[1000];
        random.nextBytes(payload);
        log.append(i, 1, LogEntry.NO_KEY, 0, ByteBuffer.wrap(payload));
      }
      log.sync();
    }
    return lastIndex + count;
  }

  static List<LogEntry> entries(Path group, long lastIndex) throws Exception {
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), group, LogConfig.defaults().withPreallocate(false),
        lastIndex, false)) {
      return log.read(1, lastIndex + 1, Long.MAX_VALUE);
    }
  }

  private GroupArchiver archiver(String prefix, ArchiveCompression compression, ExecutorService pool)
      throws Exception {
    return new GroupArchiver(client, ArchiveLocation.parse("s3://" + BUCKET + "/" + prefix), 1,
        Files.createDirectories(dir.resolve("scratch")), compression, pool);
  }

  private List<LogEntry> restored(String prefix, String group, long lastIndex) throws Exception {
    Path data = dir.resolve("restored-" + prefix);
    new ArchiveRestore(client, ArchiveLocation.parse("s3://" + BUCKET + "/" + prefix))
        .restore(data, new PrintStream(new ByteArrayOutputStream()));
    return entries(data.resolve("raft").resolve(group), lastIndex);
  }

  private static void assertSameEntries(List<LogEntry> actual, List<LogEntry> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).index()).isEqualTo(expected.get(i).index());
      assertThat(actual.get(i).payload()).as("entry %d", expected.get(i).index()).isEqualTo(expected.get(i).payload());
    }
  }

  @ParameterizedTest
  @EnumSource(ArchiveCompression.class)
  void anArchiveWrittenWithEitherCompressionRestoresEveryCommittedEntry(ArchiveCompression compression)
      throws Exception {
    Path group = Files.createDirectories(dir.resolve("raft").resolve("g-each"));
    long last = append(group, 0, 40);
    ExecutorService pool = ArchiveUploader.pool(2);
    try {
      String prefix = "each-" + compression;
      ArchiveManifest m = archiver(prefix, compression, pool).archive(new ArchiveTarget("g-each", group, 30), null)
          .get();
      assertThat(m.archivedIndex()).isEqualTo(30);
      assertThat(m.files()).allSatisfy(f -> assertThat(ArchiveCompression.of(f.object())).isEqualTo(compression));
      assertSameEntries(restored(prefix, "g-each", 30), entries(group, last).subList(0, 30));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anArchiveStartedWithGzipAndContinuedUncompressedRestores() throws Exception {
    Path group = Files.createDirectories(dir.resolve("raft").resolve("g-mixed"));
    long last = append(group, 0, 20);
    ExecutorService pool = ArchiveUploader.pool(2);
    try {
      ArchiveManifest gz = archiver("mixed", ArchiveCompression.GZIP, pool)
          .archive(new ArchiveTarget("g-mixed", group, last), null).get();
      last = append(group, last, 20);
      ArchiveManifest mixed = archiver("mixed", ArchiveCompression.NONE, pool)
          .archive(new ArchiveTarget("g-mixed", group, last), gz).get();
      assertThat(mixed.files()).extracting(f -> ArchiveCompression.of(f.object()))
          .contains(ArchiveCompression.GZIP, ArchiveCompression.NONE);
      List<ArchiveManifest.ArchivedFile> kept = mixed.files().stream()
          .filter(f -> f.segment() && ArchiveCompression.of(f.object()) == ArchiveCompression.GZIP).toList();
      assertThat(kept).as("segments sent gzip before the change are kept, not sent again").isNotEmpty();
      assertThat(gz.files()).containsAll(kept);
      assertSameEntries(restored("mixed", "g-mixed", last), entries(group, last));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void unarchivedBytesCountCommittedFramesNotYetInTheArchive() throws Exception {
    Path group = Files.createDirectories(dir.resolve("raft").resolve("g-lag"));
    long last = append(group, 0, 30);
    assertThat(GroupArchiver.unarchivedBytes(group, null, last)).isEqualTo(folderBytes(group));
    ExecutorService pool = ArchiveUploader.pool(1);
    try {
      ArchiveManifest m = archiver("lag", ArchiveCompression.NONE, pool)
          .archive(new ArchiveTarget("g-lag", group, last), null).get();
      assertThat(GroupArchiver.unarchivedBytes(group, m, last)).isZero();
      long before = folderBytes(group);
      last = append(group, last, 10);
      assertThat(GroupArchiver.unarchivedBytes(group, m, last)).isEqualTo(folderBytes(group) - before);
    } finally {
      pool.shutdownNow();
    }
  }

  static long folderBytes(Path group) throws Exception {
    try (var files = Files.list(group)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
