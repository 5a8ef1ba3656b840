package io.chronik.raft.storage;

import static io.chronik.raft.storage.SegmentedLogTest.SMALL;
import static io.chronik.raft.storage.SegmentedLogTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanShutdownTest {
  private static final Path RAFT = Path.of("/data/raft");
  private static final Path GROUP = RAFT.resolve("t-0");

  /** A node's raft directory exists durably (the node creates it so at start); its groups' do not yet. */
  private static void write(SimulatedDisk disk, long from, long to, boolean sync) throws IOException {
    disk.createDirectoriesDurably(RAFT);
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      for (long i = from; i <= to; i++) {
        log.append(i, 1, LogEntry.NO_KEY, 0, bytes("entry-" + i));
      }
      if (sync) {
        log.sync();
      }
    }
  }

  @Test
  void aLogForcedBeforeACleanShutdownOpensWithoutAForceAndKeepsEverythingThroughAPowerCut() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    write(disk, 1, 50, true);
    long forcesBefore = disk.forces();
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL.withCleanShutdown(true), 0, false)) {
      assertThat(disk.forces()).as("no force, segment or directory").isEqualTo(forcesBefore);
      assertThat(log.durableIndex()).isEqualTo(50);
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      assertThat(log.lastIndex()).isEqualTo(50);
    }
  }

  @Test
  void aLogClosedCleanlyOpensFromItsSummaryWithoutAForceOrAScanAndKeepsEverythingThroughAPowerCut()
      throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(RAFT);
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      for (long i = 1; i <= 200; i++) {
        log.append(i, 1 + i / 60, i, 0, bytes("entry-" + i));
      }
      log.closeClean();
    }
    long forcesBefore = disk.forces();
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL.withCleanShutdown(true), 0, false)) {
      assertThat(log.recoveryReport().fromSummary()).as("no segment read").isTrue();
      assertThat(disk.forces()).as("no force, segment or directory").isEqualTo(forcesBefore);
      assertThat(log.durableIndex()).isEqualTo(200);
      assertThat(log.term(200)).isEqualTo(4);
      log.append(201, 4, 201, 0, bytes("entry-201"));
      log.sync(); // also makes the open's deletion of the summary durable
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      assertThat(log.lastIndex()).isEqualTo(201);
      assertThat(log.read(1, 202, Long.MAX_VALUE)).hasSize(201);
    }
    assertThat(disk.exists(GROUP.resolve(LogSummary.FILE))).isFalse();
  }

  @Test
  void withoutARecordUnforcedBytesAKilledProcessLeftAreForcedBeforeTheyCountAsDurable() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    write(disk, 1, 50, false); // kill -9: the bytes are in the page cache only
    long forcesBefore = disk.forces();
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      assertThat(log.durableIndex()).isEqualTo(50);
      assertThat(disk.forces()).isGreaterThan(forcesBefore);
      log.sync(); // nothing new: syncs the parent the killed process never synced its new directory into
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      assertThat(log.lastIndex()).as("what open called durable survives the power cut").isEqualTo(50);
    }
  }

  @Test
  void trustingAnUnforcedLogWouldLoseWhatOpenCalledDurable() throws IOException {
    // why the record must only be written after every log synced: the flag skips exactly that force
    SimulatedDisk disk = new SimulatedDisk();
    write(disk, 1, 50, false);
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL.withCleanShutdown(true), 0, false)) {
      assertThat(log.durableIndex()).isEqualTo(50);
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      assertThat(log.lastIndex()).isLessThan(50);
    }
  }

  @Test
  void aTornTailFoundAfterACleanShutdownIsCutAndTheCutIsForced() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    write(disk, 1, 50, true);
    Path segment = GROUP.resolve(Segment.fileName(1));
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      log.append(51, 1, LogEntry.NO_KEY, 0, bytes("entry-51"));
      log.sync();
    }
    disk.corrupt(segment, lastFrameOffset(disk), 0x40);
    long forcesBefore = disk.forces();
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL.withCleanShutdown(true), 50, false)) {
      assertThat(log.recoveryReport().droppedAnything()).isTrue();
      assertThat(log.lastIndex()).isEqualTo(50);
      assertThat(disk.forces()).isGreaterThan(forcesBefore);
    }
  }

  private static long lastFrameOffset(SimulatedDisk disk) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(disk, GROUP, SMALL, 0, false)) {
      return log.active().end - RecordFrame.HEADER_BYTES - "entry-51".length();
    }
  }

  @Test
  void theRecordListsItsDirectoriesOnceAndItsDeletionIsDurableBeforeAnyOpen() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(RAFT);
    CleanShutdown.record(disk, RAFT, List.of("t-0", "t-1", "metadata"));
    disk.crash(CrashPolicy.loseAllUnsynced());
    assertThat(CleanShutdown.take(disk, RAFT)).containsExactlyInAnyOrder("t-0", "t-1", "metadata");
    disk.crash(CrashPolicy.loseAllUnsynced());
    assertThat(CleanShutdown.take(disk, RAFT)).as("taken: a later crash finds none").isEmpty();
  }

  @Test
  void aDamagedRecordTrustsNothing() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(RAFT);
    CleanShutdown.record(disk, RAFT, List.of("t-0"));
    disk.corrupt(RAFT.resolve(CleanShutdown.FILE), 9, 0x01);
    assertThat(CleanShutdown.take(disk, RAFT)).isEmpty();
    assertThat(disk.exists(RAFT.resolve(CleanShutdown.FILE))).isFalse();
  }
}
