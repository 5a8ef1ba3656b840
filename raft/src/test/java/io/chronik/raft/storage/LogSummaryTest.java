package io.chronik.raft.storage;

import static io.chronik.raft.storage.LogSummaryWorkload.assertSameLog;
import static io.chronik.raft.storage.LogSummaryWorkload.copyDirectory;
import static io.chronik.raft.storage.LogSummaryWorkload.writeClosedCleanly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.storage.LogSummaryWorkload.Life;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link LogSummary} a clean close leaves, on real files: a log opened from it is the log a full scan
 * opens (randomized, seeded: replay one with {@code -Dchronik.summary.seed=N}); it is used only by a trusted
 * open, and a damaged or mismatched one is never used. Crashes: {@link LogSummaryCrashTest}.
 */
class LogSummaryTest {
  private static final int SEEDS = Integer.getInteger("chronik.summary.seeds", 60);

  @TempDir
  Path tmp;

  // ---- equivalence ----

  @Test
  void aLogOpenedFromItsSummaryIsTheLogAFullScanOpens() throws Exception {
    for (long seed : seeds()) {
      try {
        equivalence(seed);
      } catch (Throwable failure) {
        throw new AssertionError("seed=" + seed + " (replay: -Dchronik.summary.seed=" + seed + ")", failure);
      }
    }
  }

  private static List<Long> seeds() {
    Long one = Long.getLong("chronik.summary.seed");
    if (one != null) {
      return List.of(one);
    }
    List<Long> seeds = new ArrayList<>();
    for (long s = 0; s < SEEDS; s++) {
      seeds.add(0x5a4a0000L + s);
    }
    return seeds;
  }

  private void equivalence(long seed) throws IOException {
    Path dir = tmp.resolve("s" + seed);
    Life w = new Life(seed, new NioDisk(), dir);
    for (int step = 0; step < 160; step++) {
      w.step();
    }
    w.log.closeClean();
    Path copy = tmp.resolve("s" + seed + "-scan");
    copyDirectory(dir, copy);
    try (SegmentedLog summarised = SegmentedLog.open(w.disk, dir, w.config.withCleanShutdown(true), 0, false);
        SegmentedLog scanned = SegmentedLog.open(w.disk, copy, w.config, 0, false)) {
      assertThat(summarised.recoveryReport().scanned()).isEmpty();
      assertThat(scanned.recoveryReport().scanned()).isEqualTo("not-clean-shutdown");
      assertThat(w.disk.exists(dir.resolve(LogSummary.FILE))).as("used, then deleted").isFalse();
      assertSameLog(summarised, scanned, w.model);
      // appends after the open continue both logs alike, also across a roll and a truncation
      List<LogEntry> more = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        more.add(w.nextEntry(summarised.lastIndex() + 1 + i));
      }
      for (SegmentedLog log : List.of(summarised, scanned)) {
        for (LogEntry e : more) {
          log.append(e.index(), e.term(), e.key(), e.kind(), ByteBuffer.wrap(e.payload()));
        }
        log.sync();
      }
      more.forEach(e -> w.model.put(e.index(), e));
      assertSameLog(summarised, scanned, w.model);
      long cut = summarised.lastIndex() - w.random.nextInt(30);
      summarised.truncateSuffix(cut);
      scanned.truncateSuffix(cut);
      w.model.tailMap(cut).clear();
      assertSameLog(summarised, scanned, w.model);
    }
    try (SegmentedLog reopened = SegmentedLog.open(w.disk, dir, w.config, 0, false);
        SegmentedLog scanned = SegmentedLog.open(w.disk, copy, w.config, 0, false)) {
      assertSameLog(reopened, scanned, w.model);
    }
  }

  // ---- when it is used, and when not ----

  private static final LogConfig SMALL = SegmentedLogTest.SMALL;

  @Test
  void anOpenWithoutACleanShutdownIgnoresTheSummaryScansAndDeletesIt() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    assertThat(dir.resolve(LogSummary.FILE)).exists();
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL, 0, false)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo("not-clean-shutdown");
      assertThat(log.lastIndex()).isEqualTo(300);
    }
    assertThat(dir.resolve(LogSummary.FILE)).doesNotExist();
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL.withCleanShutdown(true), 0, false)) {
      assertThat(log.recoveryReport().scanned()).as("deleted by the open before").isEqualTo("summary-missing");
      assertThat(log.lastIndex()).isEqualTo(300);
    }
  }

  @Test
  void aDamagedSummaryIsNotUsed() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    long size = Files.size(dir.resolve(LogSummary.FILE));
    flip(dir.resolve(LogSummary.FILE), size / 2);
    assertOpensByScanning(dir, SMALL, "summary-damaged", 300);
  }

  @Test
  void aSummaryWhoseSegmentSetDiffersFromTheDirectoryIsNotUsed() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    // an empty next segment, as a roll that created its file and wrote nothing leaves it: a scan accepts it
    Files.createFile(dir.resolve(Segment.fileName(301)));
    assertOpensByScanning(dir, SMALL, "summary-segment-set-mismatch", 300);
  }

  @Test
  void aSegmentWhoseSizeDiffersFromTheSummaryIsNotUsed() throws IOException {
    for (boolean preallocate : new boolean[] {false, true}) {
      Path dir = tmp.resolve("g-" + preallocate);
      LogConfig config = SMALL.withPreallocate(preallocate);
      writeClosedCleanly(new NioDisk(), dir, config, 300);
      Path first = dir.resolve(Segment.fileName(1));
      try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.allocate(100), channel.size()); // zeros: a scan still accepts the segment
      }
      assertOpensByScanning(dir, config, "summary-size-mismatch", 300);
    }
  }

  @Test
  void bytesAfterASummarisedEndAreNotTakenForZeros() throws IOException {
    Path dir = tmp.resolve("g");
    LogConfig config = SMALL.withPreallocate(true);
    writeClosedCleanly(new NioDisk(), dir, config, 300);
    Path active;
    int end;
    try (SegmentedLog copy = SegmentedLog.open(new NioDisk(), copyOf(dir), config, 0, false)) {
      active = dir.resolve(copy.active().name());
      end = copy.active().end;
      assertThat(Files.size(active)).as("preallocated: zeros after the end").isGreaterThan(end);
    }
    try (FileChannel channel = FileChannel.open(active, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {1}), end + 7);
    }
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config.withCleanShutdown(true), 0, false)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo("summary-tail-not-zero");
      assertThat(log.recoveryReport().droppedAnything()).as("the scan cut the torn bytes").isTrue();
      assertThat(log.lastIndex()).isEqualTo(300);
    }
  }

  @Test
  void aTempFileOrPrefixLeftoverVoidsTheSummary() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    Files.write(dir.resolve(SegmentedLog.META_FILE + ChecksummedFile.TMP_SUFFIX), new byte[] {1, 2, 3});
    assertOpensByScanning(dir, SMALL, "recovery-changed-files", 300);
  }

  @Test
  void aSummaryWrittenWithAnotherIndexIntervalIsNotUsed() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    LogConfig other = new LogConfig(SMALL.segmentBytes(), SMALL.indexIntervalBytes() * 2, SMALL.writeBufferBytes(),
        SMALL.preallocate());
    assertOpensByScanning(dir, other, "summary-config-changed", 300);
  }

  /** Bit rot while a cleanly stopped node was down: found when the entry is read, no longer at open. */
  @Test
  void damageToASummarisedSegmentIsFoundWhenItIsRead() throws IOException {
    Path dir = tmp.resolve("g");
    writeClosedCleanly(new NioDisk(), dir, SMALL, 300);
    Path untrusted = copyOf(dir);
    long offset;
    try (SegmentedLog probe = SegmentedLog.open(new NioDisk(), copyOf(dir), SMALL, 0, false)) {
      offset = probe.lookup.positionOf(probe.segments.get(0), 3) + RecordFrame.HEADER_BYTES + 2;
    }
    flip(dir.resolve(Segment.fileName(1)), offset);
    flip(untrusted.resolve(Segment.fileName(1)), offset);
    assertThatThrownBy(() -> SegmentedLog.open(new NioDisk(), untrusted, SMALL, 300, false))
        .isInstanceOf(CorruptLogException.class).hasMessageContaining("crc-mismatch");
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL.withCleanShutdown(true), 300, false)) {
      assertThat(log.recoveryReport().fromSummary()).isTrue();
      assertThat(log.read(4, 301, Long.MAX_VALUE)).hasSize(297);
      assertThatThrownBy(() -> log.read(1, 10, Long.MAX_VALUE))
          .isInstanceOf(CorruptLogException.class).hasMessageContaining("index=3");
    }
  }

  private void assertOpensByScanning(Path dir, LogConfig config, String reason, long lastIndex) throws IOException {
    Path copy = copyOf(dir);
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config.withCleanShutdown(true), 0, false);
        SegmentedLog scanned = SegmentedLog.open(new NioDisk(), copy, config, 0, false)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo(reason);
      assertThat(log.lastIndex()).isEqualTo(lastIndex);
      TreeMap<Long, LogEntry> all = new TreeMap<>();
      for (LogEntry e : scanned.read(scanned.firstIndex(), scanned.lastIndex() + 1, Long.MAX_VALUE)) {
        all.put(e.index(), e);
      }
      assertSameLog(log, scanned, all);
    }
    assertThat(dir.resolve(LogSummary.FILE)).doesNotExist();
  }

  private int copies;

  private Path copyOf(Path dir) throws IOException {
    Path copy = tmp.resolve("copy-" + copies++);
    copyDirectory(dir, copy);
    Files.deleteIfExists(copy.resolve(LogSummary.FILE));
    return copy;
  }

  static void flip(Path file, long offset) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
      channel.write(one, offset);
    }
  }
}
