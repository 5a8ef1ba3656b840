package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open after a clean shutdown, from the {@link LogSummary} against today's scan without it (the same
 * trusted open, which skips the forces but reads every frame), on real files: 1 GiB in 16 KiB entries
 * over 64 MiB preallocated segments (the broker's defaults), closed cleanly, then opened both ways in
 * alternating rounds. By default the files are in the page cache for both, so the scan's figure is its CPU
 * (CRC and copies) and the gap is a lower bound for a restart; with {@code -Dchronik.summary.soak.cold=true}
 * each of the test's own files is dropped from the page cache before every open ({@code dd iflag=nocache},
 * i.e. {@code posix_fadvise(DONTNEED)} on that file only), as after a reboot. Run:
 *
 * <pre>mvn -q -B -ntp -o verify -pl raft -Dtest=LogSummarySoakTest -Dchronik.groups=soak \
 *   -Dchronik.excludedGroups= [-Dchronik.summary.soak.mib=1024] [-Dchronik.summary.soak.cold=true]</pre>
 *
 * The figures are in {@code raft/target/surefire-reports/io.chronik.raft.storage.LogSummarySoakTest-output.txt}.
 */
@Tag("soak")
class LogSummarySoakTest {
  private static final long BYTES = Long.getLong("chronik.summary.soak.mib", 1024) << 20;
  private static final int ENTRY_BYTES = 16 << 10;
  private static final int ROUNDS = 3;
  private static final boolean COLD = Boolean.getBoolean("chronik.summary.soak.cold");

  @TempDir
  Path tmp;

  @Test
  void openingFromTheSummaryReadsNoSegment() throws IOException {
    Path dir = tmp.resolve("group");
    LogConfig config = LogConfig.defaults();
    long entries = BYTES / ENTRY_BYTES;
    write(dir, config, entries);
    LogConfig trusted = config.withCleanShutdown(true);
    long[] summaryNanos = new long[ROUNDS];
    long[] scanNanos = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      summaryNanos[round] = timedOpen(dir, trusted, "", entries);
      Files.delete(dir.resolve(LogSummary.FILE)); // the same open as before this change: a scan without forces
      scanNanos[round] = timedOpen(dir, trusted, "summary-missing", entries);
    }
    long summaryMs = median(summaryNanos) / 1_000_000;
    long scanMs = median(scanNanos) / 1_000_000;
    System.out.printf(Locale.ROOT, "bytes=%d entries=%d segments=%d summaryBytes=%d rounds=%d cache=%s%n", BYTES,
        entries, (BYTES + config.segmentBytes() - 1) / config.segmentBytes(), Files.size(dir.resolve(LogSummary.FILE)),
        ROUNDS, COLD ? "cold" : "warm");
    System.out.printf(Locale.ROOT, "openMs fromSummary=%.2f scan=%d (median) ratio=%.0f%n",
        median(summaryNanos) / 1e6, scanMs, (double) median(scanNanos) / median(summaryNanos));
    for (int round = 0; round < ROUNDS; round++) {
      System.out.printf(Locale.ROOT, "  round=%d fromSummaryMs=%.2f scanMs=%.1f%n", round, summaryNanos[round] / 1e6,
          scanNanos[round] / 1e6);
    }
    assertThat(summaryMs).isLessThan(scanMs);
  }

  private static void write(Path dir, LogConfig config, long entries) throws IOException {
    Random random = new Random(42);
    byte[] payload = new byte[ENTRY_BYTES];
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config, 0, false)) {
      for (long i = 1; i <= entries; i++) {
        random.nextBytes(payload);
        log.append(i, 1 + i / 10_000, i * 100, 0, ByteBuffer.wrap(payload));
        if (i % 64 == 0) {
          log.sync();
        }
      }
      log.closeClean();
    }
  }

  /** Opens, checks how, reads the last entry, closes cleanly (leaving the summary again); nanos of the open. */
  private static long timedOpen(Path dir, LogConfig config, String scanned, long entries) throws IOException {
    if (COLD) {
      dropFromPageCache(dir);
    }
    long start = System.nanoTime();
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config, entries, false)) {
      long nanos = System.nanoTime() - start;
      assertThat(log.recoveryReport().scanned()).isEqualTo(scanned);
      assertThat(log.lastIndex()).isEqualTo(entries);
      assertThat(log.read(entries, entries + 1, Long.MAX_VALUE).get(0).key()).isEqualTo(entries * 100);
      log.closeClean();
      return nanos;
    }
  }

  private static void dropFromPageCache(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none")
            .inheritIO().start();
        try {
          assertThat(dd.waitFor()).as("dd of %s", file).isZero();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("reason=interrupted-dropping-page-cache", e);
        }
      }
    }
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
