package io.chronik.raft.storage;

import static io.chronik.raft.storage.LogSummaryWorkload.assertSameLog;
import static io.chronik.raft.storage.LogSummaryWorkload.payload;
import static io.chronik.raft.storage.LogSummaryWorkload.writeClosedCleanly;
import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.storage.LogSummaryWorkload.Life;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The {@link LogSummary} is never stale, on the simulated disk: crashes and restarts around clean closes,
 * and a power cut at every step of one.
 */
class LogSummaryCrashTest {
  private static final LogConfig SMALL = SegmentedLogTest.SMALL;
  private static final Path RAFT = Path.of("/data/raft");
  private static final Path GROUP = RAFT.resolve("t-0");

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
        Life w = new Life(seed, disk, GROUP);
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

}
