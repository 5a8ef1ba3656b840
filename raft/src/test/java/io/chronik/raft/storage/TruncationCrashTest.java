package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Suffix and prefix truncation under a power cut at each of their steps (every write, force,
 * delete, rename and directory sync), with random survival of unsynced work: the log afterwards
 * is the old one or the new one, never a mix, and synced entries below the cut are never lost.
 */
class TruncationCrashTest {
  static final Path DIR = Path.of("/g");
  static final LogConfig CONFIG = new LogConfig(4096, 128, 512, true);
  static final int ENTRIES = 120;

  static String payload(String era, long index) {
    return era + "-" + index + "-" + "z".repeat((int) (60 + index % 50));
  }

  static SimulatedDisk written() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      for (int i = 1; i <= ENTRIES; i++) {
        log.append(i, 1, i, 0, ByteBuffer.wrap(payload("old", i).getBytes(StandardCharsets.UTF_8)));
      }
      log.sync();
      assertThat(log.segments.size()).isGreaterThan(3);
    }
    return disk;
  }

  static String text(LogEntry e) {
    return new String(e.payload(), StandardCharsets.UTF_8);
  }

  @Test
  void suffixTruncationThenNewEntriesIsOldOrNewAfterACrashAtAnyStep() throws IOException {
    SimulatedDisk original = written();
    for (long from : new long[] {2, 37, 90, 119}) {
      boolean completed = false;
      for (int step = 0; !completed; step++) {
        SimulatedDisk disk = original.copy();
        disk.cutPowerAfter(step);
        try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
          log.truncateSuffix(from);
          for (long i = from; i < from + 5; i++) {
            log.append(i, 2, i, 0, ByteBuffer.wrap(payload("new", i).getBytes(StandardCharsets.UTF_8)));
          }
          log.sync();
          completed = true;
        } catch (IOException powerCut) {
          assertThat(disk.powerCut()).as("step=%d %s", step, powerCut).isTrue();
        }
        disk.crash(CrashPolicy.random(new Random(step * 31L + from)));
        String context = "from=" + from + " step=" + step;
        try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, from - 1, false)) {
          assertThat(log.lastIndex()).as(context).isGreaterThanOrEqualTo(from - 1);
          boolean newEra = false;
          for (LogEntry e : log.read(1, log.lastIndex() + 1, Long.MAX_VALUE)) {
            if (e.index() < from) {
              assertThat(text(e)).as(context).isEqualTo(payload("old", e.index()));
            } else {
              newEra |= e.index() == from && text(e).startsWith("new");
              assertThat(text(e)).as(context).isEqualTo(payload(newEra ? "new" : "old", e.index()));
            }
          }
          if (completed) {
            assertThat(log.lastIndex()).as(context).isEqualTo(from + 4);
            assertThat(newEra).as(context).isTrue();
          }
        }
      }
    }
  }

  @Test
  void prefixTruncationIsOldOrNewAfterACrashAtAnyStep() throws IOException {
    SimulatedDisk original = written();
    for (long to : new long[] {2, 45, 100, 121}) {
      boolean completed = false;
      for (int step = 0; !completed; step++) {
        SimulatedDisk disk = original.copy();
        disk.cutPowerAfter(step);
        try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
          log.truncatePrefix(to);
          completed = true;
        } catch (IOException powerCut) {
          assertThat(disk.powerCut()).as("step=%d %s", step, powerCut).isTrue();
        }
        disk.crash(CrashPolicy.random(new Random(step * 17L + to)));
        String context = "to=" + to + " step=" + step;
        try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, ENTRIES, false)) {
          assertThat(log.firstIndex()).as(context).isIn(1L, to);
          if (completed) {
            assertThat(log.firstIndex()).as(context).isEqualTo(to);
          }
          assertThat(log.lastIndex()).as(context).isEqualTo(ENTRIES);
          assertThat(log.term(log.firstIndex() - 1)).as(context).isEqualTo(log.firstIndex() == 1 ? 0 : 1);
          if (log.lastIndex() >= log.firstIndex()) {
            for (LogEntry e : log.read(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE)) {
              assertThat(text(e)).as(context).isEqualTo(payload("old", e.index()));
            }
          }
        }
      }
    }
  }
}
