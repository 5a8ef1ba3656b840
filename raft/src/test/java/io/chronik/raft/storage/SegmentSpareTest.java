package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Spare segments: zero-filled and forced on another thread, taken at the roll, never waited for. */
class SegmentSpareTest {
  static final Path DIR = Path.of("/node/group-3");
  static final int SEGMENT_BYTES = 4096;
  static final LogConfig CONFIG = new LogConfig(SEGMENT_BYTES, 256, 1024, true);
  static final int PAYLOAD_BYTES = 200;
  static final int FRAME_BYTES = RecordFrame.HEADER_BYTES + PAYLOAD_BYTES;

  @TempDir
  Path tmp;

  static byte[] payload(long index) {
    byte[] bytes = new byte[PAYLOAD_BYTES];
    new Random(index).nextBytes(bytes);
    return bytes;
  }

  static void append(SegmentedLog log, long index) throws IOException {
    log.append(index, 1, index * 10, 0, ByteBuffer.wrap(payload(index)));
  }

  /** Appends until the active segment is past half full: the log asks for its spare. */
  static void appendPastHalf(SegmentedLog log) throws IOException {
    while (log.active() == null || log.active().end < SEGMENT_BYTES / 2 + FRAME_BYTES) {
      append(log, log.lastIndex() + 1);
    }
  }

  /** Appends until the log rolled to a new segment (one entry in it). */
  static void appendUntilRoll(SegmentedLog log) throws IOException {
    int before = log.segments.size();
    while (log.segments.size() == before) {
      append(log, log.lastIndex() + 1);
    }
  }

  static void assertEntries(SegmentedLog log, long through) throws IOException {
    List<LogEntry> entries = log.read(1, through + 1, Long.MAX_VALUE);
    assertThat(entries).hasSize((int) through);
    for (LogEntry e : entries) {
      assertThat(e.payload()).as("index=%d", e.index()).isEqualTo(payload(e.index()));
    }
  }

  static void awaitReady(SegmentedLog log) throws InterruptedException {
    for (int i = 0; i < 1000 && !log.spareReady(); i++) {
      Thread.sleep(5);
    }
    assertThat(log.spareReady()).isTrue();
  }

  @Test
  void aRollTakesAReadySpareAndTheLogsThreadWritesNoZeros() throws Exception {
    SimulatedDisk disk = new SimulatedDisk();
    ExecutorService preparer = Executors.newSingleThreadExecutor();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      log.prepareSparesOn(preparer);
      appendPastHalf(log);
      awaitReady(log);
      log.sync();
      long written = disk.bytesWritten();
      long forces = disk.forces();
      int endBefore = log.active().end;

      appendUntilRoll(log);
      log.sync();

      Segment rolled = log.active();
      // only the entries reached the disk from here: the zeros were written before, by the preparer
      assertThat(disk.bytesWritten() - written).isEqualTo(log.segments.get(0).end - endBefore + rolled.end);
      // the old segment forced at the roll and the new one at the sync: the taken spare is not forced again
      assertThat(disk.forces() - forces).isEqualTo(2);
      assertThat(disk.size(rolled.path)).isEqualTo(SEGMENT_BYTES);
      assertThat(disk.list(DIR)).doesNotContain(SegmentSpare.FILE).contains(Segment.fileName(rolled.baseIndex));
    } finally {
      preparer.shutdownNow();
    }
  }

  @Test
  void aRollBeforeTheSpareIsReadyCreatesItsSegmentAndTheNextRollTakesTheSpare() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    List<Runnable> held = new ArrayList<>();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      log.prepareSparesOn(held::add); // a preparer that has not got to it yet
      appendPastHalf(log);
      assertThat(held).hasSize(1);
      appendUntilRoll(log);
      Segment created = log.active();
      log.sync();
      assertThat(disk.size(created.path)).isEqualTo(created.end); // created, not preallocated
      assertThat(disk.list(DIR)).doesNotContain(SegmentSpare.FILE);

      held.remove(0).run(); // the preparer gets to it late: the spare serves the next roll
      assertThat(log.spareReady()).isTrue();
      appendPastHalf(log);
      assertThat(held).as("not asked again while one is ready").isEmpty();
      appendUntilRoll(log);
      assertThat(disk.size(log.active().path)).isEqualTo(SEGMENT_BYTES);
      log.sync();
      assertEntries(log, log.lastIndex());
    }
  }

  @Test
  void aNewLogAsksForItsFirstSegmentWhenGivenItsPreparer() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    List<Runnable> held = new ArrayList<>();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      log.prepareSparesOn(held::add);
      assertThat(held).hasSize(1);
      held.remove(0).run();
      append(log, 1);
      assertThat(disk.size(log.active().path)).isEqualTo(SEGMENT_BYTES);
      appendPastHalf(log);
      assertThat(held).as("asks again for the next one").hasSize(1);
    }
  }

  @Test
  @Timeout(30)
  void aRollNeverWaitsForAPreparationHoldingTheSpare() throws Exception {
    HeldSpareDisk disk = new HeldSpareDisk(new SimulatedDisk());
    ExecutorService preparer = Executors.newSingleThreadExecutor();
    try (SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false)) {
      log.prepareSparesOn(preparer);
      appendPastHalf(log);
      assertThat(disk.creating.await(10, TimeUnit.SECONDS)).isTrue(); // the preparer holds the spare's lock

      appendUntilRoll(log); // would hang here if the roll waited for it
      log.sync();
      assertThat(disk.disk.size(log.active().path)).isEqualTo(log.active().end);

      disk.release.countDown();
      awaitReady(log);
      appendPastHalf(log);
      appendUntilRoll(log);
      assertThat(disk.disk.size(log.active().path)).isEqualTo(SEGMENT_BYTES);
    } finally {
      disk.release.countDown();
      preparer.shutdownNow();
    }
  }

  @Test
  void leftoverSparesAreDeletedAtOpenAndTheEntriesStayTheSame() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(DIR);
    SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, 0, false);
    appendPastHalf(log); // prepared in line (no executor given)
    long last = log.sync();
    assertThat(log.spareReady()).isTrue();
    disk.syncDirectory(DIR);
    log.closeChannels(); // killed: the spare stays
    assertThat(disk.list(DIR)).contains(SegmentSpare.FILE);

    try (SegmentedLog reopened = SegmentedLog.open(disk, DIR, CONFIG, last, false)) {
      assertThat(disk.list(DIR)).doesNotContain(SegmentSpare.FILE);
      assertThat(reopened.recoveryReport().droppedAnything()).isFalse();
      assertThat(reopened.lastIndex()).isEqualTo(last);
      assertEntries(reopened, last);
    }

    Path dir = tmp.resolve("group-4");
    try (SegmentedLog real = SegmentedLog.open(new NioDisk(), dir, CONFIG, 0, false)) {
      append(real, 1);
      real.sync();
    }
    Files.write(dir.resolve(SegmentSpare.FILE), new byte[] {1, 2, 3}); // whatever a crash left in it
    try (SegmentedLog real = SegmentedLog.open(new NioDisk(), dir, CONFIG, 1, false)) {
      assertThat(Files.exists(dir.resolve(SegmentSpare.FILE))).isFalse();
      assertEntries(real, 1);
    }
  }

  @Test
  void aGroupDeletedWhileItsSpareIsPreparedLeavesNoFileAndNoError() throws Exception {
    ExecutorService worker = Executors.newSingleThreadExecutor();
    List<Future<?>> preparations = new ArrayList<>();
    LogConfig config = CONFIG.withSegmentBytes(1 << 20);
    try {
      for (int round = 0; round < 20; round++) {
        Path dir = tmp.resolve("deleted-" + round);
        SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config, 0, false);
        log.prepareSparesOn(task -> preparations.add(worker.submit(task)));
        for (long i = 1; log.active() == null || log.active().end < (1 << 19) + FRAME_BYTES; i++) {
          log.append(i, 1, i, 0, ByteBuffer.wrap(new byte[4000]));
        }
        Thread.sleep(round % 5); // close before, during or after the zeros
        log.close();
        deleteDirectory(dir); // as a deleted partition's (MetadataImage)
        assertThat(Files.exists(dir)).isFalse();
      }
      // a preparation that was running or queued gives up quietly and creates nothing
      for (Future<?> f : preparations) {
        f.get(10, TimeUnit.SECONDS);
      }
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left.toList()).isEmpty();
      }
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void aPowerCutAtEveryStepOfPreparingAndTakingASpareRecoversTheSameEntries() throws IOException {
    SimulatedDisk base = new SimulatedDisk();
    base.createDirectoriesDurably(DIR);
    long synced;
    try (SegmentedLog log = SegmentedLog.open(base, DIR, CONFIG, 0, false)) {
      for (long i = 1; i <= 5; i++) {
        append(log, i);
      }
      synced = log.sync();
    }
    base.syncDirectory(DIR);
    long appendedMax = synced + 40;
    int cut = 0;
    for (boolean completed = false; !completed; cut++) {
      SimulatedDisk disk = base.copy();
      SegmentedLog log = SegmentedLog.open(disk, DIR, CONFIG, synced, false);
      disk.cutPowerAfter(cut);
      try {
        for (long i = synced + 1; i <= appendedMax; i++) {
          append(log, i); // prepares the spare in line past half, takes it at the roll
          if (i % 6 == 0) {
            log.sync();
          }
        }
        log.sync();
        completed = !disk.powerCut(); // an in-line preparation gives up quietly when the power goes
      } catch (IOException powerCut) {
        assertThat(disk.powerCut()).as("cut=%d %s", cut, powerCut).isTrue();
      }
      if (completed) {
        assertThat(log.segments).hasSizeGreaterThan(2);
        for (Segment s : log.segments.subList(1, log.segments.size())) {
          assertThat(disk.size(s.path)).as("every rolled segment was a spare").isEqualTo(SEGMENT_BYTES);
        }
      }
      long durable = log.durableIndex();
      for (CrashPolicy policy : List.of(CrashPolicy.loseAllUnsynced(), keepAll(), CrashPolicy.random(new Random(cut)))) {
        SimulatedDisk crashed = disk.copy();
        crashed.crash(policy);
        try (SegmentedLog reopened = SegmentedLog.open(crashed, DIR, CONFIG, durable, false)) {
          String context = "cut=" + cut + " durable=" + durable + " report=" + reopened.recoveryReport();
          assertThat(reopened.lastIndex()).as(context).isBetween(durable, appendedMax);
          assertEntries(reopened, reopened.lastIndex());
          assertThat(crashed.list(DIR)).as(context).doesNotContain(SegmentSpare.FILE);
          for (long i = reopened.lastIndex() + 1; i <= appendedMax; i++) {
            append(reopened, i); // the recovered log goes on, spares and all
          }
          assertThat(reopened.sync()).isEqualTo(appendedMax);
          assertEntries(reopened, appendedMax);
        }
      }
    }
    // creating, zero-filling and forcing the spare, renaming it, and the writes, forces and syncs around them
    assertThat(cut).isGreaterThan(15);
  }

  static CrashPolicy keepAll() {
    return new CrashPolicy() {
      @Override
      public int keptOps(Path file, int pendingOps) {
        return pendingOps;
      }

      @Override
      public int tornBytes(Path file, int writeBytes) {
        return 0;
      }

      @Override
      public int keptDirectoryOps(Path directory, int pendingOps) {
        return pendingOps;
      }
    };
  }

  static void deleteDirectory(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p); // loud: a file appearing meanwhile fails the directory's delete
      }
    }
  }

  /** A disk whose creation of the spare file waits for {@link #release}: a preparation caught holding it. */
  static final class HeldSpareDisk implements Disk {
    final SimulatedDisk disk;
    final CountDownLatch creating = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldSpareDisk(SimulatedDisk disk) {
      this.disk = disk;
    }

    @Override
    public FileChannel open(Path file, boolean create) throws IOException {
      if (create && file.getFileName().toString().equals(SegmentSpare.FILE)) {
        creating.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException("reason=interrupted", e);
        }
      }
      return disk.open(file, create);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      disk.rename(source, target);
    }

    @Override
    public void delete(Path file) throws IOException {
      disk.delete(file);
    }

    @Override
    public boolean exists(Path file) throws IOException {
      return disk.exists(file);
    }

    @Override
    public List<String> list(Path directory) throws IOException {
      return disk.list(directory);
    }

    @Override
    public List<Path> createDirectories(Path directory) throws IOException {
      return disk.createDirectories(directory);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
      disk.syncDirectory(directory);
    }
  }
}
