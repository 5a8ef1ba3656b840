package io.chronik.raft.storage;

import static io.chronik.raft.storage.ImagePartTest.FOLLOWER;
import static io.chronik.raft.storage.ImagePartTest.KEY;
import static io.chronik.raft.storage.ImagePartTest.LEADER;
import static io.chronik.raft.storage.ImagePartTest.VOTERS;
import static io.chronik.raft.storage.ImagePartTest.assertInstalled;
import static io.chronik.raft.storage.ImagePartTest.assertOld;
import static io.chronik.raft.storage.ImagePartTest.chunks;
import static io.chronik.raft.storage.ImagePartTest.follower;
import static io.chronik.raft.storage.ImagePartTest.followerDisk;
import static io.chronik.raft.storage.ImagePartTest.leader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotWork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow half of receiving and installing a leader image split off the log's thread
 * ({@link DurableLogStorage#beginSnapshotWork}): the check reads the image back and the install writes its
 * entries to staged segments on another thread while the log stays the caller's, unchanged; only completing
 * applies the result. A power cut at every step, a stopped work and an interrupted one leave the old state or
 * the complete new one.
 */
class ImageWorkTest {
  @TempDir
  Path tmp;

  /** Receives every chunk in Readies of ten, the last Ready's check and the install handed out as work. */
  private static void receiveAndInstall(DurableLogStorage follower, List<SnapshotChunk> chunks, SnapshotMeta meta) {
    for (int from = 0; from < chunks.size(); from += 10) {
      List<SnapshotChunk> ready = chunks.subList(from, Math.min(chunks.size(), from + 10));
      SnapshotWork work = follower.beginSnapshotWork(ready, null);
      if (work == null) {
        ready.forEach(follower::persistSnapshotChunk);
      } else {
        work.run();
        assertThat(follower.completeSnapshotWork(work)).isZero();
      }
    }
    SnapshotWork install = follower.beginSnapshotWork(List.of(), meta);
    install.run();
    follower.completeSnapshotWork(install);
  }

  @Test
  void chunksEndingAnImageAreWrittenNowAndCheckedByTheWork() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    DurableLogStorage follower = follower(followerDisk());
    List<SnapshotChunk> chunks = chunks(leader);
    assertThat(follower.beginSnapshotWork(chunks.subList(0, 5), null)).as("no last chunk: no work").isNull();
    chunks.subList(0, chunks.size() - 1).forEach(follower::persistSnapshotChunk);
    SnapshotWork check = follower.beginSnapshotWork(chunks.subList(chunks.size() - 1, chunks.size()), null);
    assertThatThrownBy(() -> follower.snapshotReceivedWhole(leader.snapshotMeta()))
        .hasMessageContaining("reason=snapshot-work-outstanding");
    check.run();
    assertThat(follower.completeSnapshotWork(check)).isZero();
    assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isTrue();
    assertOld(follower);
  }

  @Test
  void aDamagedImageIsRefusedWhenItsCheckCompletes() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    DurableLogStorage follower = follower(followerDisk());
    List<SnapshotChunk> chunks = new ArrayList<>(chunks(leader));
    SnapshotChunk last = chunks.get(chunks.size() - 1);
    chunks.set(chunks.size() - 1, new SnapshotChunk(last.meta(), last.offset(), last.data(), true, last.imageCrc() ^ 1));
    chunks.subList(0, chunks.size() - 1).forEach(follower::persistSnapshotChunk);
    SnapshotWork check = follower.beginSnapshotWork(chunks.subList(chunks.size() - 1, chunks.size()), null);
    check.run();
    follower.completeSnapshotWork(check);
    assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isFalse();
    assertThat(follower.snapshotImagesRefused()).isEqualTo(1);
    assertOld(follower);
  }

  @Test
  void theLogStaysTheCallersAndUnchangedUntilTheInstallCompletes() throws Exception {
    DurableLogStorage leader = leader(new NioDisk(), tmp.resolve("leader"), 600);
    NioDisk disk = new NioDisk();
    Path dir = tmp.resolve("follower");
    DurableLogStorage follower = DurableLogStorage.open(disk, dir, ImagePartTest.CONFIG, KEY, false).shipRetainedEntries();
    follower.append(ImagePartTest.entries(1, 40, 7));
    follower.sync();
    follower.createSnapshot(new SnapshotMeta(20, follower.term(20), VOTERS), "state@20".getBytes());
    chunks(leader).forEach(follower::persistSnapshotChunk);
    SnapshotWork install = follower.beginSnapshotWork(List.of(), leader.snapshotMeta());
    CompletableFuture.runAsync(install::run).get(30, TimeUnit.SECONDS);
    // the worker staged the image beside the log; the log and its reads are as before, still the caller's
    assertThat(stagedFiles(dir)).isNotEmpty();
    assertOld(follower);
    assertThat(follower.completeSnapshotWork(install)).isEqualTo(leader.snapshotImage().length);
    assertInstalled(follower, leader);
    assertThat(stagedFiles(dir)).isEmpty();
    assertThat(Files.exists(dir.resolve(ImageInstall.INSTALL_FILE))).isFalse();
    follower.append(List.of(Entry.normal(follower.lastIndex() + 1, leader.snapshotMeta().term(), new byte[] {1})));
    follower.sync();
    follower.close();
    DurableLogStorage reopened = DurableLogStorage.open(disk, dir, ImagePartTest.CONFIG, KEY, false);
    assertThat(reopened.snapshotMeta()).isEqualTo(leader.snapshotMeta());
    assertThat(reopened.lastIndex()).isEqualTo(leader.snapshotMeta().index() + 1);
    assertThat(reopened.entries(reopened.firstIndex(), leader.snapshotMeta().index() + 1, Long.MAX_VALUE))
        .isEqualTo(leader.entries(leader.firstIndex(), leader.snapshotMeta().index() + 1, Long.MAX_VALUE));
    reopened.close();
  }

  @Test
  void powerCutAtEveryStepOfASplitInstallLeavesTheOldStateOrTheNewOne() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    List<SnapshotChunk> chunks = chunks(leader);
    SimulatedDisk base = followerDisk();
    int olds = 0;
    int news = 0;
    for (int step = 0; ; step++) {
      SimulatedDisk disk = base.copy();
      DurableLogStorage follower = follower(disk);
      disk.cutPowerAfter(step);
      boolean done = true;
      try {
        receiveAndInstall(follower, chunks, leader.snapshotMeta());
      } catch (UncheckedIOException powerCut) {
        done = false;
      }
      disk.crash(CrashPolicy.loseAllUnsynced());
      DurableLogStorage reopened = follower(disk);
      assertThat(disk.list(FOLLOWER).stream().filter(n -> n.endsWith(StagedLog.SUFFIX))).as("step=" + step).isEmpty();
      if (reopened.snapshotMeta().index() == 20) {
        assertThat(done).as("step=" + step).isFalse();
        assertOld(reopened);
        olds++;
      } else {
        assertInstalled(reopened, leader);
        news++;
      }
      reopened.close();
      if (done) {
        break;
      }
    }
    assertThat(olds).isGreaterThan(3);
    assertThat(news).as("cuts after the seal: while staging, adopting, storing").isGreaterThan(10);
  }

  @Test
  void anInstallStoppedMidWorkIsFinishedAtTheNextOpen() throws Exception {
    Path dir = tmp.resolve("follower");
    NioDisk disk = new NioDisk();
    DurableLogStorage leader = largeLeader(disk, tmp.resolve("leader"));
    DurableLogStorage follower = DurableLogStorage.open(disk, dir, LogConfig.defaults(), KEY, false).shipRetainedEntries();
    follower.append(ImagePartTest.entries(1, 40, 7));
    follower.sync();
    bigChunks(leader, 1 << 20).forEach(follower::persistSnapshotChunk);
    SnapshotWork install = follower.beginSnapshotWork(List.of(), leader.snapshotMeta());
    Thread worker = new Thread(install::run, "image-work");
    worker.start();
    while (stagedFiles(dir).isEmpty() && worker.isAlive()) {
      Thread.onSpinWait();
    }
    worker.interrupt(); // a driver closing mid-install: the work's file I/O fails, it is never completed
    worker.join();
    assertThatThrownBy(() -> follower.completeSnapshotWork(install)).isInstanceOf(UncheckedIOException.class);
    follower.abandon();
    DurableLogStorage reopened = DurableLogStorage.open(disk, dir, LogConfig.defaults(), KEY, false);
    assertThat(reopened.snapshotMeta()).isEqualTo(leader.snapshotMeta());
    assertThat(reopened.firstIndex()).isEqualTo(leader.firstIndex());
    assertThat(reopened.lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(reopened.entries(reopened.lastIndex(), reopened.lastIndex() + 1, Long.MAX_VALUE))
        .isEqualTo(leader.entries(leader.lastIndex(), leader.lastIndex() + 1, Long.MAX_VALUE));
    assertThat(stagedFiles(dir)).isEmpty();
    reopened.close();
    leader.close();
  }

  @Test
  void aLargeImageIsForcedInStepsWhileItIsStagedNotInOneFsyncAtTheEnd() throws IOException {
    DurableLogStorage leader = largeLeader(new SimulatedDisk(), LEADER);
    SimulatedDisk disk = new SimulatedDisk();
    // one 64 MiB segment holds the whole 32 MiB image: no roll forces anything on the way
    DurableLogStorage follower = DurableLogStorage.open(disk, FOLLOWER, LogConfig.defaults().withPreallocate(false),
        KEY, false).shipRetainedEntries();
    bigChunks(leader, 1 << 20).forEach(follower::persistSnapshotChunk);
    SnapshotWork install = follower.beginSnapshotWork(List.of(), leader.snapshotMeta());
    long before = disk.forces();
    install.run();
    long forces = disk.forces() - before;
    follower.completeSnapshotWork(install);
    assertThat(forces).as("forces while staging a 32 MiB image, at most %d bytes apart", StagedLog.FORCE_EVERY_BYTES)
        .isGreaterThanOrEqualTo((32L << 20) / StagedLog.FORCE_EVERY_BYTES);
    assertThat(follower.lastIndex()).isEqualTo(leader.lastIndex());
    follower.close();
    leader.close();
  }

  /** A leader whose image is 32 MiB of entries (the interruption lands mid-write). */
  private static DurableLogStorage largeLeader(Disk disk, Path dir) throws IOException {
    DurableLogStorage leader = DurableLogStorage.open(disk, dir, LogConfig.defaults(), KEY, false).shipRetainedEntries();
    Random random = new Random(5);
    long index = 1;
    for (int batch = 0; batch < 64; batch++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        byte[] payload = new byte[16 << 10];
        random.nextBytes(payload);
        entries.add(Entry.normal(index++, 1, payload));
      }
      leader.append(entries);
    }
    leader.sync();
    leader.createSnapshot(new SnapshotMeta(index - 1, 1, VOTERS), "state".getBytes());
    return leader;
  }

  private static List<SnapshotChunk> bigChunks(DurableLogStorage leader, int chunkBytes) {
    io.chronik.raft.log.SnapshotSource source = leader.snapshotSource();
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    List<SnapshotChunk> out = new ArrayList<>();
    long offset = 0;
    while (true) {
      byte[] data = source.next(chunkBytes);
      crc.update(data);
      boolean last = data.length < chunkBytes;
      out.add(new SnapshotChunk(source.meta(), offset, data, last, last ? (int) crc.getValue() : 0));
      offset += data.length;
      if (last) {
        return out;
      }
    }
  }

  private static List<Path> stagedFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(StagedLog.SUFFIX)).toList();
    }
  }
}
