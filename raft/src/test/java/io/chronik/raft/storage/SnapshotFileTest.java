package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Snapshots are never used torn or damaged: a power cut while storing keeps the old or the new one
 * whole, and a damaged newest file is named and replaced by the previous generation.
 */
class SnapshotFileTest {
  private static final Path DIR = Path.of("/g");
  private static final int PAGE = 4096;

  private static SnapshotFile.Stored snapshot(long index, int dataBytes) {
    byte[] data = new byte[dataBytes];
    new Random(index).nextBytes(data);
    return new SnapshotFile.Stored(index, index / 10 + 1, new byte[] {1, 2, 3}, data);
  }

  private static void assertSame(SnapshotFile.Stored loaded, SnapshotFile.Stored expected) {
    assertThat(loaded.index()).isEqualTo(expected.index());
    assertThat(loaded.term()).isEqualTo(expected.term());
    assertThat(loaded.metadata()).isEqualTo(expected.metadata());
    assertThat(Arrays.equals(loaded.data(), expected.data())).as("data of index=" + expected.index()).isTrue();
  }

  private static SimulatedDisk diskWith(SnapshotFile.Stored... stored) throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(DIR);
    for (SnapshotFile.Stored s : stored) {
      new SnapshotFile(disk, DIR).store(s);
    }
    return disk;
  }

  /** Keeps every unsynced operation but tears the first write of the temp file at {@code keep} bytes. */
  private static CrashPolicy tearTempAt(int keep) {
    return new CrashPolicy() {
      @Override
      public int keptOps(Path file, int pendingOps) {
        return file.getFileName().toString().endsWith(".tmp") ? 0 : pendingOps;
      }

      @Override
      public int tornBytes(Path file, int writeBytes) {
        return Math.min(keep, writeBytes);
      }

      @Override
      public int keptDirectoryOps(Path directory, int pendingOps) {
        return pendingOps;
      }
    };
  }

  @Test
  void powerCutWhileStoringTornAtEveryByteOfTheLastPageKeepsOldOrNewWhole() throws IOException {
    SnapshotFile.Stored old = snapshot(100, 3 * PAGE);
    SnapshotFile.Stored next = snapshot(200, 3 * PAGE + 777);
    SimulatedDisk base = diskWith(old);
    int fileBytes = 12 + 24 + 3 + next.data().length + 4;
    int checked = 0;
    for (int step = 0; step < 12; step++) {
      for (int keep = fileBytes - PAGE; keep <= fileBytes; keep++) {
        SimulatedDisk disk = base.copy();
        disk.cutPowerAfter(step);
        boolean stored = true;
        try {
          new SnapshotFile(disk, DIR).store(next);
        } catch (IOException powerCut) {
          stored = false;
        }
        disk.crash(tearTempAt(keep));
        SnapshotFile.Stored loaded = new SnapshotFile(disk, DIR).load();
        if (stored || loaded.index() == next.index()) {
          assertSame(loaded, next);
        } else {
          assertSame(loaded, old);
        }
        checked++;
        if (stored) {
          break;
        }
      }
    }
    assertThat(checked).isGreaterThan(PAGE);
  }

  @Test
  void newestTruncatedAtEveryByteOfItsLastPageFallsBackToThePreviousAndSaysWhy() throws IOException {
    SnapshotFile.Stored old = snapshot(100, 2 * PAGE);
    SnapshotFile.Stored next = snapshot(200, 2 * PAGE + 123);
    SimulatedDisk base = diskWith(old, next);
    Path newest = DIR.resolve(SnapshotFile.FILE);
    long size = base.size(newest);
    for (long cut = size - PAGE; cut < size; cut++) {
      SimulatedDisk disk = base.copy();
      try (FileChannel channel = disk.open(newest, false)) {
        channel.truncate(cut);
        channel.force(true);
      }
      SnapshotFile file = new SnapshotFile(disk, DIR);
      assertSame(file.load(), old);
      assertThat(file.fallbackReason()).contains("reason=damaged-snapshot").contains("snapshot.prev");
    }
  }

  @Test
  void bitFlipInEveryByteOfTheNewestIsDetected() throws IOException {
    SnapshotFile.Stored old = snapshot(100, 64);
    SnapshotFile.Stored next = snapshot(200, 80);
    SimulatedDisk base = diskWith(old, next);
    Path newest = DIR.resolve(SnapshotFile.FILE);
    for (long offset = 0; offset < base.size(newest); offset++) {
      SimulatedDisk disk = base.copy();
      disk.corrupt(newest, offset, 0x10);
      assertSame(new SnapshotFile(disk, DIR).load(), old);
    }
  }

  @Test
  void bothGenerationsDamagedRefusesToLoad() throws IOException {
    SimulatedDisk disk = diskWith(snapshot(100, 64), snapshot(200, 64));
    disk.corrupt(DIR.resolve(SnapshotFile.FILE), 30, 0x01);
    disk.corrupt(DIR.resolve(SnapshotFile.PREVIOUS), 30, 0x01);
    assertThatThrownBy(() -> new SnapshotFile(disk, DIR).load())
        .isInstanceOf(CorruptLogException.class).hasMessageContaining("reason=crc-mismatch");
  }

  @Test
  void storeKeepsTheOneBeforeAsFallback() throws IOException {
    SimulatedDisk disk = diskWith(snapshot(100, 10), snapshot(200, 10), snapshot(300, 10));
    SnapshotFile file = new SnapshotFile(disk, DIR);
    assertThat(file.load().index()).isEqualTo(300);
    assertThat(file.previousIndex()).isEqualTo(200);
    assertThat(file.previousData()).isEqualTo(snapshot(200, 10).data());
    file.store(snapshot(400, 10));
    assertThat(file.previousData()).as("the stored one before becomes the fallback").isEqualTo(snapshot(300, 10).data());
  }

  @Test
  void aLoadThatFellBackKnowsNoFallbackDataUntilTheNextTwoStores() throws IOException {
    SimulatedDisk disk = diskWith(snapshot(100, 10), snapshot(200, 10));
    disk.corrupt(DIR.resolve(SnapshotFile.FILE), 30, 0x01);
    SnapshotFile file = new SnapshotFile(disk, DIR);
    assertThat(file.load().index()).isEqualTo(100);
    assertThat(file.previousData()).isNull();
    file.store(snapshot(300, 10)); // replaces the damaged newest; the file before stays snapshot.prev
    assertThat(file.previousData()).as("the damaged file was no fallback").isNull();
    file.store(snapshot(400, 10));
    assertThat(file.previousIndex()).isEqualTo(300);
    assertThat(file.previousData()).isEqualTo(snapshot(300, 10).data());
  }

  @Test
  void durableStorageNeverCompactsAboveTheFallbackSnapshot() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    LogConfig config = new LogConfig(4096, 512, 1024, false);
    try (DurableLogStorage storage = DurableLogStorage.open(disk, DIR, config, e -> LogEntry.NO_KEY, false)) {
      java.util.List<io.chronik.raft.log.Entry> entries = new java.util.ArrayList<>();
      for (long i = 1; i <= 300; i++) {
        entries.add(io.chronik.raft.log.Entry.normal(i, 1, new byte[40]));
      }
      storage.append(entries);
      storage.sync();
      var config1 = io.chronik.raft.membership.Configuration.of(java.util.List.of(1));
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(100, 1, config1), new byte[] {1});
      storage.compact(100);
      assertThat(storage.firstIndex()).isEqualTo(1); // no fallback yet: nothing dropped
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(250, 1, config1), new byte[] {2});
      storage.compact(250);
      assertThat(storage.firstIndex()).isLessThanOrEqualTo(101).isGreaterThan(1);
      disk.corrupt(DIR.resolve(SnapshotFile.FILE), 20, 0x01);
    }
    try (DurableLogStorage reopened = DurableLogStorage.open(disk, DIR, config, e -> LogEntry.NO_KEY, false)) {
      assertThat(reopened.snapshotMeta().index()).isEqualTo(100);
      assertThat(reopened.firstIndex()).isLessThanOrEqualTo(101);
      assertThat(reopened.lastIndex()).isEqualTo(300);
    }
  }

  @Test
  void bothSnapshotsDamagedRebuildFromALogThatStartsAtOneAndRefuseOtherwise() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    LogConfig config = new LogConfig(4096, 512, 1024, false);
    var members = io.chronik.raft.membership.Configuration.of(java.util.List.of(1));
    try (DurableLogStorage storage = DurableLogStorage.open(disk, DIR, config, e -> LogEntry.NO_KEY, false)) {
      java.util.List<io.chronik.raft.log.Entry> entries = new java.util.ArrayList<>();
      for (long i = 1; i <= 300; i++) {
        entries.add(io.chronik.raft.log.Entry.normal(i, 1, new byte[40]));
      }
      storage.append(entries);
      storage.sync();
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(100, 1, members), new byte[] {1});
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(200, 1, members), new byte[] {2});
    }
    disk.corrupt(DIR.resolve(SnapshotFile.FILE), 20, 0x01);
    disk.corrupt(DIR.resolve(SnapshotFile.PREVIOUS), 20, 0x01);
    try (DurableLogStorage reopened = DurableLogStorage.open(disk, DIR, config, e -> LogEntry.NO_KEY, false)) {
      assertThat(reopened.snapshotMeta().index()).isZero(); // nothing damaged is used
      assertThat(reopened.firstIndex()).isEqualTo(1);
      assertThat(reopened.lastIndex()).isEqualTo(300);
    }

    SimulatedDisk compacted = new SimulatedDisk();
    try (DurableLogStorage storage = DurableLogStorage.open(compacted, DIR, config, e -> LogEntry.NO_KEY, false)) {
      java.util.List<io.chronik.raft.log.Entry> entries = new java.util.ArrayList<>();
      for (long i = 1; i <= 300; i++) {
        entries.add(io.chronik.raft.log.Entry.normal(i, 1, new byte[40]));
      }
      storage.append(entries);
      storage.sync();
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(100, 1, members), new byte[] {1});
      storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(250, 1, members), new byte[] {2});
      storage.compact(250);
      assertThat(storage.firstIndex()).isGreaterThan(1);
    }
    compacted.corrupt(DIR.resolve(SnapshotFile.FILE), 20, 0x01);
    compacted.corrupt(DIR.resolve(SnapshotFile.PREVIOUS), 20, 0x01);
    assertThatThrownBy(() -> DurableLogStorage.open(compacted, DIR, config, e -> LogEntry.NO_KEY, false))
        .isInstanceOf(CorruptLogException.class).hasMessageContaining("reason=crc-mismatch");
  }
}
