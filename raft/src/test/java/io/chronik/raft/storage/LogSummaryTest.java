package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link LogSummary} a clean close leaves: on real files, a log opened from it is the log a full scan
 * opens (randomized, seeded: replay one with {@code -Dchronik.summary.seed=N}); it is used only by a trusted
 * open, and a damaged, mismatched or stale one is never used.
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
    Workload w = new Workload(seed, new NioDisk(), dir);
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

  /** Every observable of the two logs agrees, and both serve exactly {@code model}'s entries. */
  static void assertSameLog(SegmentedLog a, SegmentedLog b, Map<Long, LogEntry> model) throws IOException {
    assertThat(a.firstIndex()).isEqualTo(b.firstIndex());
    assertThat(a.prevTerm).isEqualTo(b.prevTerm);
    assertThat(a.lastIndex()).isEqualTo(b.lastIndex());
    assertThat(a.lastTerm()).isEqualTo(b.lastTerm());
    assertThat(a.lastKey).as("lastKey").isEqualTo(b.lastKey);
    assertThat(a.durableIndex()).isEqualTo(b.durableIndex());
    assertThat(a.segmentSpans()).isEqualTo(b.segmentSpans());
    for (int slot = 0; slot < a.segments.size(); slot++) {
      Segment sa = a.segments.get(slot);
      Segment sb = b.segments.get(slot);
      assertThat(sa.name()).isEqualTo(sb.name());
      assertThat(sa.end).isEqualTo(sb.end);
      assertThat(samples(sa)).as("samples of %s", sa.name()).isEqualTo(samples(sb));
      for (long i = sa.baseIndex; i <= sa.lastIndex; i++) {
        assertThat(a.terms.termAt(i)).as("term at %d", i).isEqualTo(b.terms.termAt(i));
      }
    }
    for (long i = a.firstIndex() - 1; i <= a.lastIndex(); i++) {
      assertThat(a.term(i)).isEqualTo(b.term(i));
    }
    if (a.lastIndex() >= a.firstIndex()) {
      List<LogEntry> readA = a.read(a.firstIndex(), a.lastIndex() + 1, Long.MAX_VALUE);
      List<LogEntry> readB = b.read(b.firstIndex(), b.lastIndex() + 1, Long.MAX_VALUE);
      assertThat(readA).hasSize((int) (a.lastIndex() - a.firstIndex() + 1)).hasSameSizeAs(readB);
      for (int i = 0; i < readA.size(); i++) {
        assertSameEntry(readA.get(i), readB.get(i));
        assertSameEntry(readA.get(i), model.get(readA.get(i).index()));
        LogSlice sliceA = a.slice(readA.get(i).index(), 1 << 20);
        LogSlice sliceB = b.slice(readA.get(i).index(), 1 << 20);
        assertThat(sliceA.lastIndex()).isEqualTo(sliceB.lastIndex());
        assertThat(sliceA.position(0)).isEqualTo(sliceB.position(0));
      }
    }
    long lowKey = -3;
    long highKey = a.lastKey == RecordFrame.NO_KEY ? 10 : a.lastKey + 3;
    for (long key = lowKey; key <= highKey; key += 1 + (highKey - lowKey) / 400) {
      assertThat(a.floorIndexForKey(key)).as("floor of key %d", key).isEqualTo(b.floorIndexForKey(key));
    }
  }

  static byte[] samples(Segment s) {
    ByteBuffer out = ByteBuffer.allocate(s.sampleBytes());
    s.writeSamples(out);
    return out.array();
  }

  static void assertSameEntry(LogEntry actual, LogEntry expected) {
    assertThat(expected).as("index %d", actual.index()).isNotNull();
    assertThat(actual.index()).isEqualTo(expected.index());
    assertThat(actual.term()).isEqualTo(expected.term());
    assertThat(actual.key()).isEqualTo(expected.key());
    assertThat(actual.kind()).isEqualTo(expected.kind());
    assertThat(Arrays.equals(actual.payload(), expected.payload())).as("payload at %d", actual.index()).isTrue();
  }

  static void copyDirectory(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  /**
   * A seeded random life of one log: appends (random terms, keys and sizes), syncs, suffix and prefix
   * truncations, snapshot resets, timed rolls, segment rewrites (compaction), and restarts, clean (from the
   * summary) or not. Keys and terms only grow, as a Raft log's do across truncations.
   */
  static final class Workload {
    final Random random;
    final LogConfig config;
    final Disk disk;
    final Path dir;
    final TreeMap<Long, LogEntry> model = new TreeMap<>();
    SegmentedLog log;
    private long term = 1;
    private long key;

    Workload(long seed, Disk disk, Path dir) throws IOException {
      this.random = new Random(seed);
      this.config = new LogConfig(4096 + random.nextInt(4096), 64 + random.nextInt(512), 256 + random.nextInt(2048),
          random.nextBoolean());
      this.disk = disk;
      this.dir = dir;
      this.log = SegmentedLog.open(disk, dir, config, 0, false);
    }

    LogEntry nextEntry(long index) {
      if (random.nextInt(12) == 0) {
        term += 1 + random.nextInt(2);
      }
      long entryKey = LogEntry.NO_KEY;
      if (random.nextInt(4) != 0) {
        key += random.nextInt(6); // equal keys are allowed
        entryKey = key;
      }
      byte[] payload = new byte[random.nextInt(random.nextInt(10) == 0 ? 1500 : 200)];
      random.nextBytes(payload);
      return new LogEntry(index, term, entryKey, random.nextInt(3), payload);
    }

    void step() throws IOException {
      int op = random.nextInt(100);
      long retained = log.lastIndex() - log.firstIndex() + 1;
      if (op < 58) {
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
          LogEntry e = nextEntry(log.lastIndex() + 1);
          log.append(e.index(), e.term(), e.key(), e.kind(), ByteBuffer.wrap(e.payload()));
          model.put(e.index(), e);
        }
      } else if (op < 64) {
        log.sync();
      } else if (op < 71 && retained > 0) {
        long from = log.lastIndex() - random.nextInt((int) Math.min(retained, 40)); // a conflicting tail
        log.truncateSuffix(from);
        model.tailMap(from).clear();
      } else if (op < 75 && retained > 0) {
        long to = log.firstIndex() + 1 + random.nextInt((int) (retained / 2 + 1)); // up to the end at times
        log.truncatePrefix(to);
        model.headMap(to).clear();
      } else if (op < 76) {
        log.reset(log.lastIndex() + 1 + random.nextInt(5), term);
        model.clear();
      } else if (op < 80) {
        log.rollBeforeNextAppend();
      } else if (op < 85) {
        rewriteASegment();
      } else if (op < 91) {
        log.closeClean();
        log = SegmentedLog.open(disk, dir, config.withCleanShutdown(true), 0, false);
        assertThat(log.recoveryReport().scanned()).as("a clean restart's open").isEmpty();
      } else if (op < 94) {
        log.close();
        log = SegmentedLog.open(disk, dir, config, 0, false);
      }
    }

    /** Compaction of a closed segment: some payloads replaced (shorter or longer), indexes, terms and keys kept. */
    private void rewriteASegment() throws IOException {
      log.sync();
      List<Segment> closed = new ArrayList<>();
      for (Segment s : log.segments) {
        if (s != log.active() && s.baseIndex >= log.firstIndex) {
          closed.add(s);
        }
      }
      if (closed.isEmpty()) {
        return;
      }
      Segment chosen = closed.get(random.nextInt(closed.size()));
      FileChannel replaced = SegmentRewrite.rewrite(log, chosen.baseIndex, (index, entryKey, kind, payload) -> {
        if (random.nextInt(3) != 0) {
          return null;
        }
        byte[] shorter = new byte[random.nextInt(payload.length + 20)];
        random.nextBytes(shorter);
        LogEntry before = model.get(index);
        model.put(index, new LogEntry(index, before.term(), before.key(), before.kind(), shorter));
        return shorter;
      });
      if (replaced != null) {
        replaced.close();
      }
    }
  }

  // ---- when it is used, and when not ----

  /** A log of {@code entries} keyed entries over several small segments, closed cleanly. */
  private static void writeClosedCleanly(Disk disk, Path dir, LogConfig config, int entries) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(disk, dir, config, 0, false)) {
      for (int i = 1; i <= entries; i++) {
        log.append(i, 1 + i / 50, i * 10L, 0, SegmentedLogTest.bytes("entry-" + i + "-".repeat(i % 60)));
      }
      log.closeClean();
    }
  }

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

  // ---- never stale: crashes and restarts on the simulated disk ----

  private static final Path RAFT = Path.of("/data/raft");
  private static final Path GROUP = RAFT.resolve("t-0");

  private static ByteBuffer payload(long index) {
    return SegmentedLogTest.bytes("entry-" + index + "-".repeat((int) (index % 60)));
  }

  /**
   * A log closed cleanly, and some time after: the summary is written without a force, and the kernel
   * writes it back within seconds of the stop; done here, so a later power cut tests what an open does.
   */
  private static SimulatedDisk cleanlyClosed(LogConfig config) throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(RAFT);
    writeClosedCleanly(disk, GROUP, config, 300);
    try (FileChannel summary = disk.open(GROUP.resolve(LogSummary.FILE), false)) {
      summary.force(true);
    }
    disk.syncDirectory(GROUP);
    return disk;
  }

  private static SegmentedLog openTrusted(Disk disk, LogConfig config) throws IOException {
    return SegmentedLog.open(disk, GROUP, config.withCleanShutdown(true), 0, false);
  }

  /** clean close → open (summary) → append → crash → open: no record survives a crash, so this one scans. */
  @Test
  void entriesWrittenAfterATrustedOpenAreFoundByTheScanAfterACrash() throws IOException {
    SimulatedDisk disk = cleanlyClosed(SMALL);
    try (SegmentedLog log = openTrusted(disk, SMALL)) {
      assertThat(log.recoveryReport().fromSummary()).isTrue();
      for (long i = 301; i <= 320; i++) {
        log.append(i, 9, i * 10, 0, payload(i));
      }
      log.sync();
      log.append(321, 9, 3210, 0, payload(321)); // never synced
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 320, false)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo("not-clean-shutdown");
      assertThat(log.lastIndex()).isEqualTo(320);
      assertThat(log.read(301, 321, Long.MAX_VALUE)).extracting(LogEntry::term).containsOnly(9L);
    }
    assertThat(disk.exists(GROUP.resolve(LogSummary.FILE))).isFalse();
  }

  /** clean close → open (summary) → append → clean close → open: the new summary, with the new entries. */
  @Test
  void aSecondCleanCloseLeavesTheSummaryOfTheLogAsItThenIs() throws IOException {
    SimulatedDisk disk = cleanlyClosed(SMALL);
    try (SegmentedLog log = openTrusted(disk, SMALL)) {
      log.truncateSuffix(290);
      for (long i = 290; i <= 420; i++) {
        log.append(i, 9, i * 10 + 1, 1, payload(i));
      }
      log.closeClean();
    }
    SimulatedDisk scanned = disk.copy();
    scanned.delete(GROUP.resolve(LogSummary.FILE));
    try (SegmentedLog log = openTrusted(disk, SMALL);
        SegmentedLog scan = SegmentedLog.open(scanned, GROUP, SMALL, 0, false)) {
      assertThat(log.recoveryReport().fromSummary()).isTrue();
      assertThat(log.lastIndex()).isEqualTo(420);
      assertThat(log.term(290)).isEqualTo(9);
      assertThat(log.lastKey).isEqualTo(4201);
      TreeMap<Long, LogEntry> all = new TreeMap<>();
      scan.read(1, 421, Long.MAX_VALUE).forEach(e -> all.put(e.index(), e));
      assertSameLog(log, scan, all);
    }
  }

  /**
   * The open deletes the summary it used, and the log's next sync makes that durable: a log then rewritten
   * to the very same file sizes, last index and term (other keys) and synced, closed without a clean close,
   * yet listed as clean (a writer breaking {@link CleanShutdown#record}'s contract), and cut from power, is
   * still scanned. Left on disk, the old summary would pass every file check and serve the old keys.
   */
  @Test
  void aSummaryTheOpenDeletedStaysDeletedThroughAPowerCut() throws IOException {
    LogConfig exact = SMALL.withPreallocate(false); // segment files end at their last frame
    SimulatedDisk disk = cleanlyClosed(exact);
    long from;
    try (SegmentedLog log = openTrusted(disk, exact)) {
      assertThat(log.recoveryReport().fromSummary()).isTrue();
      from = log.active().baseIndex + 1;
      log.truncateSuffix(from);
      for (long i = from; i <= 300; i++) {
        log.append(i, 1 + i / 50, i * 10 + 5, 0, payload(i));
      }
      log.sync();
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = openTrusted(disk, exact)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo("summary-missing");
      assertThat(log.lastKey).isEqualTo(3005);
      assertThat(log.floorIndexForKey(10 * 299 + 7)).isEqualTo(299);
      assertThat(log.floorIndexForKey(10 * from + 2)).isEqualTo(from - 1);
    }
  }

  /** The summary is not forced: a power cut right after the clean close costs a scan, never a wrong state. */
  @Test
  void aPowerCutRightAfterACleanCloseCostsAScan() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(RAFT);
    writeClosedCleanly(disk, GROUP, SMALL, 300);
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = openTrusted(disk, SMALL)) {
      assertThat(log.recoveryReport().scanned()).isEqualTo("summary-missing");
      assertThat(log.lastIndex()).isEqualTo(300);
      assertThat(log.floorIndexForKey(2995)).isEqualTo(299);
    }
  }

  /**
   * A power cut at any point of a clean close leaves no summary, or the whole new one, which describes the
   * files as they are (it is written after everything it describes was forced, and renamed into place).
   */
  @Test
  void aPowerCutAnywhereInACleanCloseLeavesNoSummaryOrATrueOne() throws IOException {
    for (long seed = 0; seed < 12; seed++) {
      for (int cut = 0; cut < 14; cut++) {
        SimulatedDisk disk = new SimulatedDisk();
        disk.createDirectoriesDurably(RAFT);
        Workload w = new Workload(seed, disk, GROUP);
        for (int step = 0; step < 60; step++) {
          w.step();
        }
        w.log.close();
        w.log = SegmentedLog.open(disk, GROUP, w.config, 0, false); // no summary left from before
        for (int i = 0; i < 10; i++) {
          LogEntry e = w.nextEntry(w.log.lastIndex() + 1);
          w.log.append(e.index(), e.term(), e.key(), e.kind(), ByteBuffer.wrap(e.payload()));
        }
        disk.cutPowerAfter(cut);
        try {
          w.log.closeClean();
        } catch (IOException powerCut) {
          assertThat(disk.powerCut()).as("seed=%d cut=%d %s", seed, cut, powerCut).isTrue();
          w.log.closeChannels();
        }
        disk.cutPowerAfter(Long.MAX_VALUE);
        disk.crash(CrashPolicy.random(new Random(seed * 31 + cut)));
        SimulatedDisk scanned = disk.copy();
        scanned.delete(GROUP.resolve(LogSummary.FILE));
        try (SegmentedLog log = openTrusted(disk, w.config);
            SegmentedLog scan = SegmentedLog.open(scanned, GROUP, w.config, 0, false)) {
          TreeMap<Long, LogEntry> all = new TreeMap<>();
          if (scan.lastIndex() >= scan.firstIndex()) {
            scan.read(scan.firstIndex(), scan.lastIndex() + 1, Long.MAX_VALUE).forEach(e -> all.put(e.index(), e));
          }
          String context = "seed=" + seed + " cut=" + cut + " report=" + log.recoveryReport();
          assertThat(log.lastIndex()).as(context).isEqualTo(scan.lastIndex());
          assertSameLog(log, scan, all);
        }
      }
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
