package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random workloads with power cuts at random operations and random loss of unsynced work: after
 * every restart everything synced is there, nothing beyond a damaged record is served, and the log
 * holds every entry the stored hard state says is committed. A failure message carries the seed;
 * replay one with {@code -Dchronik.crash.seed=N}.
 */
class CrashConsistencyTest {
  static final int WORKLOADS = Integer.getInteger("chronik.crash.workloads", 300);

  static List<Long> seeds(int count) {
    Long one = Long.getLong("chronik.crash.seed");
    List<Long> seeds = new ArrayList<>();
    for (long s = 0; s < count; s++) {
      seeds.add(one != null ? one : 0x5eed0000L + s);
      if (one != null) {
        break;
      }
    }
    return seeds;
  }

  @Test
  void everythingSyncedSurvivesRandomPowerCuts() throws IOException {
    for (long seed : seeds(WORKLOADS)) {
      LogWorkload w = new LogWorkload(seed);
      for (int step = 0; step < 120; step++) {
        if (w.random.nextInt(15) == 0) {
          w.disk.cutPowerAfter(w.random.nextInt(6));
        }
        try {
          w.step();
        } catch (IOException powerCut) {
          assertThat(w.disk.powerCut()).as("seed=%d unexpected %s", seed, powerCut).isTrue();
          w.crashAndVerify(CrashPolicy.random(w.random));
          continue;
        }
        if (w.disk.powerCut()) {
          w.crashAndVerify(CrashPolicy.random(w.random));
        }
        w.disk.cutPowerAfter(Long.MAX_VALUE);
      }
      w.crashAndVerify(w.random.nextBoolean() ? CrashPolicy.loseAllUnsynced() : CrashPolicy.random(w.random));
    }
  }

  @Test
  void tearingTheLastWriteAtEveryByteKeepsExactlyTheWholeFrames() throws IOException {
    for (long seed : seeds(25)) {
      LogWorkload w = new LogWorkload(seed);
      for (int step = 0; step < 40; step++) {
        w.step();
      }
      w.synced = w.log.sync();
      List<Integer> frames = new ArrayList<>();
      int frameTotal = 0;
      while (frameTotal < 600) {
        LogEntry e = w.nextEntry();
        w.append(e);
        frames.add(RecordFrame.HEADER_BYTES + e.payload().length);
        frameTotal += frames.get(frames.size() - 1);
      }
      w.log.flushForSync();
      Path segment = w.log.active().path;
      byte[] written = w.disk.lastPendingWrite(segment);
      int lastWrite = written == null ? -1 : written.length;
      assertThat(lastWrite).as("seed=%d", seed).isPositive();
      // The last write holds the batch's trailing frames (the buffer flushes at frame boundaries).
      // A frame larger than the buffer goes out as header and payload writes: the first frame of
      // the tail may have begun in an earlier write, which the crash keeps.
      int inLastWrite = 0;
      int sum = 0;
      while (sum < lastWrite) {
        sum += frames.get(frames.size() - 1 - inLastWrite++);
      }
      int keptBefore = sum - lastWrite;
      List<Integer> tail = frames.subList(frames.size() - inLastWrite, frames.size());
      long kept = w.log.lastIndex() - inLastWrite;
      // a spare taken at the roll is preallocated: zeros lie past the entries (a segment created without one
      // ends at its last write)
      boolean overZeros = w.disk.size(segment) > w.log.active().end;
      SimulatedDisk before = w.disk;
      for (int torn = 0; torn <= lastWrite; torn++) {
        w.disk = before.copy();
        w.disk.crash(tearLastWrite(segment, torn));
        w.open();
        String context = "seed=" + seed + " torn=" + torn + " report=" + w.log.recoveryReport();
        // Over a preallocated (zero) file, a torn write whose missing bytes are zeros is whole.
        int landedInWrite = torn;
        while (overZeros && landedInWrite < lastWrite && written[landedInWrite] == 0) {
          landedInWrite++;
        }
        int landed = keptBefore + landedInWrite;
        long whole = 0;
        int covered = 0;
        for (int frame : tail) {
          covered += frame;
          if (covered <= landed) {
            whole++;
          }
        }
        assertThat(w.log.lastIndex()).as(context).isEqualTo(kept + whole);
        boolean atBoundary = landed == keptBefore || landedInWrite == lastWrite || covered(tail, whole) == landed;
        assertThat(w.log.recoveryReport().droppedBytes() > 0 || atBoundary).as(context).isTrue();
        for (LogEntry e : w.log.read(w.log.firstIndex(), w.log.lastIndex() + 1, Long.MAX_VALUE)) {
          w.assertSame(e);
        }
        w.log.close();
      }
    }
  }

  private static long covered(List<Integer> frames, long whole) {
    long sum = 0;
    for (int f = 0; f < whole; f++) {
      sum += frames.get(f);
    }
    return sum;
  }

  /** Keeps all unsynced work except the last write to {@code file}, of which {@code torn} bytes land. */
  static CrashPolicy tearLastWrite(Path file, int torn) {
    Path target = file.toAbsolutePath().normalize();
    return new CrashPolicy() {
      @Override
      public int keptOps(Path f, int pendingOps) {
        return f.equals(target) ? pendingOps - 1 : pendingOps;
      }

      @Override
      public int tornBytes(Path f, int writeBytes) {
        return torn;
      }

      @Override
      public int keptDirectoryOps(Path directory, int pendingOps) {
        return pendingOps;
      }
    };
  }

  @Test
  void seedsAreReplayable() throws IOException {
    // Two runs of one seed build byte-identical logs: a printed seed reproduces its failure.
    LogWorkload a = new LogWorkload(42);
    LogWorkload b = new LogWorkload(42);
    for (int i = 0; i < 50; i++) {
      a.step();
      b.step();
    }
    assertThat(a.log.lastIndex()).isEqualTo(b.log.lastIndex());
    assertThat(a.model.keySet()).isEqualTo(b.model.keySet());
    assertThat(new Random(1).nextLong()).isEqualTo(new Random(1).nextLong());
  }
}
