package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
  static final LogConfig SMALL = new LogConfig(4096, 256, 1024, true);

  @TempDir
  Path tmp;

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static String text(LogEntry e) {
    return new String(e.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void appendedEntriesSurviveReopenOnRealFilesAcrossSegments() throws IOException {
    Path dir = tmp.resolve("group-1");
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL, 0, false)) {
      for (int i = 1; i <= 300; i++) {
        log.append(i, 1 + i / 100, i * 10L, i % 3, bytes("entry-" + i));
      }
      assertThat(log.sync()).isEqualTo(300);
      assertThat(log.segments.size()).isGreaterThan(2);
    }
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, SMALL, 300, false)) {
      assertThat(log.recoveryReport().droppedAnything()).isFalse();
      assertThat(log.lastIndex()).isEqualTo(300);
      assertThat(log.term(250)).isEqualTo(3);
      List<LogEntry> entries = log.read(1, 301, Long.MAX_VALUE);
      assertThat(entries).hasSize(300);
      for (LogEntry e : entries) {
        assertThat(text(e)).isEqualTo("entry-" + e.index());
        assertThat(e.key()).isEqualTo(e.index() * 10);
        assertThat(e.kind()).isEqualTo((int) (e.index() % 3));
      }
    }
  }

  @Test
  void readsSeeUnsyncedAppendsAndRespectByteLimitButReturnAtLeastOne() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new SimulatedDisk(), Path.of("/g"), SMALL, 0, false)) {
      log.append(1, 1, LogEntry.NO_KEY, 0, bytes("a".repeat(100)));
      log.append(2, 1, LogEntry.NO_KEY, 0, bytes("b".repeat(100)));
      assertThat(log.durableIndex()).isZero();
      assertThat(log.read(1, 3, 10)).extracting(LogEntry::index).containsExactly(1L);
      assertThat(log.read(1, 3, 200)).extracting(LogEntry::index).containsExactly(1L, 2L);
    }
  }

  @Test
  void keyLookupFindsTheEntryWhoseKeyRangeHoldsTheKey() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new SimulatedDisk(), Path.of("/g"), SMALL, 0, false)) {
      long key = 0;
      for (int i = 1; i <= 200; i++) {
        boolean keyed = i % 5 != 0; // some entries (e.g. Raft no-ops) carry no key
        log.append(i, 1, keyed ? key : LogEntry.NO_KEY, 0, bytes("batch-" + i + "-".repeat(i % 40)));
        key += keyed ? 10 : 0;
      }
      assertThat(log.floorIndexForKey(-1)).isEqualTo(-1);
      assertThat(log.floorIndexForKey(0)).isEqualTo(1);
      assertThat(log.floorIndexForKey(9)).isEqualTo(1);
      assertThat(log.floorIndexForKey(10)).isEqualTo(2);
      // index 5 has no key: index 4 holds keys 30..39, index 6 starts at 40, index 7 at 50.
      assertThat(log.floorIndexForKey(39)).isEqualTo(4);
      assertThat(log.floorIndexForKey(45)).isEqualTo(6);
      assertThat(log.floorIndexForKey(50)).isEqualTo(7);
      assertThat(log.floorIndexForKey(Long.MAX_VALUE)).isEqualTo(199);
      for (long k = 0; k < 1600; k += 7) {
        long index = log.floorIndexForKey(k);
        assertThat(log.read(index, index + 1, 1).get(0).key()).isLessThanOrEqualTo(k);
      }
    }
  }

  @Test
  void sliceTransfersPayloadsWithoutFraming() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), tmp.resolve("g"), SMALL, 0, false)) {
      for (int i = 1; i <= 10; i++) {
        log.append(i, 1, i, 0, bytes("p" + i + ";"));
      }
      LogSlice slice = log.slice(3, 9);
      assertThat(slice.firstIndex()).isEqualTo(3);
      assertThat(slice.lastIndex()).isEqualTo(5);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      slice.transferTo(Channels.newChannel(out));
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("p3;p4;p5;");
    }
  }

  @Test
  void suffixTruncationReplacesTheTailAndPrefixTruncationDropsSegments() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path dir = Path.of("/g");
    try (SegmentedLog log = SegmentedLog.open(disk, dir, SMALL, 0, false)) {
      for (int i = 1; i <= 100; i++) {
        log.append(i, 1, LogEntry.NO_KEY, 0, bytes("old-" + i + "x".repeat(60)));
      }
      log.sync();
      log.truncateSuffix(80);
      assertThat(log.lastIndex()).isEqualTo(79);
      assertThat(log.durableIndex()).isEqualTo(79);
      log.append(80, 2, LogEntry.NO_KEY, 0, bytes("new-80"));
      log.sync();
      int before = log.segments.size();
      log.truncatePrefix(70);
      assertThat(log.segments.size()).isLessThan(before);
      assertThat(log.firstIndex()).isEqualTo(70);
      assertThat(log.term(69)).isEqualTo(1);
    }
    try (SegmentedLog log = SegmentedLog.open(disk, dir, SMALL, 80, false)) {
      assertThat(log.firstIndex()).isEqualTo(70);
      assertThat(log.lastIndex()).isEqualTo(80);
      assertThat(text(log.read(80, 81, 100).get(0))).isEqualTo("new-80");
      assertThat(text(log.read(79, 80, 100).get(0))).startsWith("old-79");
      assertThat(log.term(80)).isEqualTo(2);
      assertThatThrownBy(() -> log.read(69, 70, 100)).isInstanceOf(IndexOutOfBoundsException.class);
      log.reset(500, 7);
      assertThat(log.lastIndex()).isEqualTo(499);
      assertThat(log.term(499)).isEqualTo(7);
      log.append(500, 7, LogEntry.NO_KEY, 0, bytes("after-reset"));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(disk, dir, SMALL, 500, false)) {
      assertThat(log.firstIndex()).isEqualTo(500);
      assertThat(text(log.read(500, 501, 100).get(0))).isEqualTo("after-reset");
    }
  }

  @Test
  void rollSizeAndTimedRollShapeSegmentsAndSpansReportThem() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new NioDisk(), tmp.resolve("roll"), SMALL, 0, false)) {
      assertThat(log.rollBytes(1 << 20)).as("capped at the configured segment size").isEqualTo(4096);
      assertThat(log.rollBytes(1024)).isEqualTo(1024);
      assertThatThrownBy(() -> log.rollBytes(100)).hasMessageContaining("reason=below-1KiB");
      for (int i = 1; i <= 40; i++) { // 136-byte frames: 7 per 1 KiB segment
        log.append(i, 1, LogEntry.NO_KEY, 0, bytes("x".repeat(100)));
      }
      List<SegmentedLog.SegmentSpan> spans = log.segmentSpans();
      assertThat(spans).hasSize(6);
      assertThat(spans.get(0)).isEqualTo(new SegmentedLog.SegmentSpan(1, 7, 7 * 136));
      assertThat(spans.get(5).lastIndex()).isEqualTo(40);
      long total = 0;
      for (int i = 0; i < spans.size(); i++) {
        total += spans.get(i).bytes();
        if (i > 0) {
          assertThat(spans.get(i).baseIndex()).isEqualTo(spans.get(i - 1).lastIndex() + 1);
        }
      }
      assertThat(total).isEqualTo(40 * 136);

      log.rollBeforeNextAppend();
      log.append(41, 1, LogEntry.NO_KEY, 0, bytes("timed"));
      assertThat(log.segmentSpans()).hasSize(7);
      assertThat(log.segmentSpans().get(6)).isEqualTo(new SegmentedLog.SegmentSpan(41, 41, 36 + 5));
      log.append(42, 1, LogEntry.NO_KEY, 0, bytes("same"));
      assertThat(log.segmentSpans()).as("one roll per request").hasSize(7);
      log.sync();
      log.truncatePrefix(15);
      assertThat(log.segmentSpans().get(0).baseIndex()).as("whole segments below go, the holding one stays")
          .isEqualTo(15);
    }
  }

  @Test
  void outOfOrderAppendIsRejected() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(new SimulatedDisk(), Path.of("/g"), SMALL, 0, false)) {
      log.append(1, 2, 100, 0, bytes("x"));
      assertThatThrownBy(() -> log.append(3, 2, 100, 0, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> log.append(2, 1, 100, 0, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> log.append(2, 2, 99, 0, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void groupCommitMakesEveryGroupDurableInOnePass() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    List<SegmentedLog> logs = new java.util.ArrayList<>();
    try (GroupCommit commit = new GroupCommit(4)) {
      for (int g = 0; g < 8; g++) {
        logs.add(SegmentedLog.open(disk, Path.of("/node/g" + g), SMALL, 0, false));
      }
      for (int round = 1; round <= 5; round++) {
        for (SegmentedLog log : logs) {
          log.append(round, 1, LogEntry.NO_KEY, 0, bytes("r" + round));
        }
        // round 1 created each group's first segment: its name is made durable in the same pass, and so are
        // the group directories' own names: "/" gained "node" and "/node" gained g0..g7, each parent synced once
        assertThat(commit.syncAll(logs)).isEqualTo(round == 1 ? 8 + 8 + 2 : 8);
        for (SegmentedLog log : logs) {
          assertThat(log.durableIndex()).isEqualTo(round);
        }
      }
      assertThat(commit.syncAll(logs)).isZero(); // nothing new: no fsync at all
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    for (int g = 0; g < 8; g++) {
      try (SegmentedLog log = SegmentedLog.open(disk, Path.of("/node/g" + g), SMALL, 5, false)) {
        assertThat(log.lastIndex()).isEqualTo(5);
      }
    }
  }

  @Test
  void hardStateAndSnapshotAreReplacedAtomically() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path dir = Path.of("/g");
    disk.createDirectoriesDurably(dir);
    HardStateFile hard = new HardStateFile(disk, dir);
    SnapshotFile snap = new SnapshotFile(disk, dir);
    assertThat(hard.load()).isEqualTo(HardStateFile.Stored.EMPTY);
    hard.store(new HardStateFile.Stored(3, 2, 10));
    snap.store(new SnapshotFile.Stored(10, 3, new byte[] {1}, new byte[] {4, 5}));
    for (int step = 0; ; step++) { // crash at every step of the second store
      SimulatedDisk copy = disk.copy();
      copy.cutPowerAfter(step);
      boolean done = true;
      try {
        new HardStateFile(copy, dir).store(new HardStateFile.Stored(4, -1, 12));
      } catch (IOException powerCut) {
        done = false;
      }
      copy.crash(CrashPolicy.random(new java.util.Random(step)));
      HardStateFile.Stored loaded = new HardStateFile(copy, dir).load();
      assertThat(loaded).isIn(new HardStateFile.Stored(3, 2, 10), new HardStateFile.Stored(4, -1, 12));
      if (done) {
        assertThat(loaded).isEqualTo(new HardStateFile.Stored(4, -1, 12));
        break;
      }
    }
    SnapshotFile.Stored loaded = snap.load();
    assertThat(loaded.index()).isEqualTo(10);
    assertThat(loaded.data()).containsExactly(4, 5);
    disk.corrupt(dir.resolve(SnapshotFile.FILE), 20, 0x01);
    assertThatThrownBy(snap::load).isInstanceOf(CorruptLogException.class).hasMessageContaining("reason=");
  }
}
