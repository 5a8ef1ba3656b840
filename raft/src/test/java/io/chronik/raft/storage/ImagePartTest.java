package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotSource;
import io.chronik.raft.membership.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader's image streamed into a follower's storage chunk by chunk (install.image.part): persisted and
 * applied; a power cut at every step leaves the old state or the complete new one and a restarted follower
 * resumes from what it forced; a damaged image is refused, counted and never applied; a leader streams an
 * image of many MiB holding about one read batch at a time.
 */
class ImagePartTest {
  static final Path LEADER = Path.of("/leader");
  static final Path FOLLOWER = Path.of("/follower");
  static final LogConfig CONFIG = LogConfig.defaults().withSegmentBytes(16 << 10).withPreallocate(false);
  static final ToLongFunction<Entry> KEY = e -> e.index() * 10;
  static final Configuration VOTERS = Configuration.of(List.of(1, 2, 3));
  static final int CHUNK = 1000;

  @TempDir
  Path tmp;

  static List<Entry> entries(long from, long through, long seed) {
    Random random = new Random(seed);
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= through; i++) {
      byte[] payload = new byte[20 + random.nextInt(200)];
      random.nextBytes(payload);
      out.add(new Entry(i, 1 + i / 100, i % 50 == 0 ? EntryType.CONFIG : EntryType.NORMAL, payload));
    }
    return out;
  }

  static DurableLogStorage leader(Disk disk, Path dir, long through) throws IOException {
    DurableLogStorage s = DurableLogStorage.open(disk, dir, CONFIG, KEY, false).shipRetainedEntries();
    s.append(entries(1, through, 7));
    s.sync();
    s.createSnapshot(new SnapshotMeta(through / 2, s.term(through / 2), VOTERS), "state@half".getBytes());
    s.createSnapshot(new SnapshotMeta(through - 50, s.term(through - 50), VOTERS), "state@end".getBytes());
    s.compact(through - 50);
    return s;
  }

  static SimulatedDisk followerDisk() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (DurableLogStorage s = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false)) {
      s.append(entries(1, 40, 7));
      s.sync();
      s.createSnapshot(new SnapshotMeta(20, s.term(20), VOTERS), "state@20".getBytes());
    }
    return disk;
  }

  static DurableLogStorage follower(Disk disk) throws IOException {
    return DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false).shipRetainedEntries();
  }

  /** The leader's image as the chunks a transfer sends, the last with the whole-image CRC. */
  static List<SnapshotChunk> chunks(DurableLogStorage leader) {
    SnapshotSource source = leader.snapshotSource();
    CRC32C crc = new CRC32C();
    List<SnapshotChunk> out = new ArrayList<>();
    long offset = 0;
    while (true) {
      byte[] data = source.next(CHUNK);
      crc.update(data);
      boolean last = data.length < CHUNK;
      out.add(new SnapshotChunk(source.meta(), offset, data, last, last ? (int) crc.getValue() : 0));
      offset += data.length;
      if (last) {
        return out;
      }
    }
  }

  @Test
  void chunksPersistedInOrderInstallTheLeadersLog() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = follower(disk);
    List<SnapshotChunk> chunks = chunks(leader);
    assertThat(chunks).hasSizeGreaterThan(10);
    for (SnapshotChunk c : chunks) {
      assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isFalse();
      follower.persistSnapshotChunk(c);
      assertThat(follower.snapshotBytesReceived(leader.snapshotMeta())).isEqualTo(c.offset() + c.data().length);
    }
    assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isTrue();
    assertThat(disk.exists(FOLLOWER.resolve(ImagePart.PART_FILE))).isTrue();
    long size = follower.installReceivedSnapshot(leader.snapshotMeta());
    assertThat(size).isEqualTo(leader.snapshotImage().length);
    assertInstalled(follower, leader);
    assertThat(disk.exists(FOLLOWER.resolve(ImagePart.PART_FILE))).isFalse();
    assertThat(disk.exists(FOLLOWER.resolve(ImagePart.PROGRESS_FILE))).isFalse();
    follower.close();
    assertInstalled(follower(disk), leader);
  }

  @Test
  void aChunkThatDoesNotContinueTheHeldBytesIsIgnored() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    DurableLogStorage follower = follower(followerDisk());
    List<SnapshotChunk> chunks = chunks(leader);
    follower.persistSnapshotChunk(chunks.get(0));
    follower.persistSnapshotChunk(chunks.get(2));
    assertThat(follower.snapshotBytesReceived(leader.snapshotMeta())).isEqualTo(CHUNK);
    SnapshotMeta other = new SnapshotMeta(leader.snapshotMeta().index() + 1, leader.snapshotMeta().term(), VOTERS);
    assertThat(follower.snapshotBytesReceived(other)).isZero();
  }

  @Test
  void aWholeImageChecksumMismatchIsRefusedCountedAndNeverApplied() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = follower(disk);
    List<SnapshotChunk> chunks = chunks(leader);
    SnapshotChunk last = chunks.get(chunks.size() - 1);
    chunks.set(chunks.size() - 1, new SnapshotChunk(last.meta(), last.offset(), last.data(), true, last.imageCrc() ^ 1));
    chunks.forEach(follower::persistSnapshotChunk);
    assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isFalse();
    assertThat(follower.snapshotBytesReceived(leader.snapshotMeta())).isZero();
    assertThat(follower.snapshotImagesRefused()).isEqualTo(1);
    assertThat(disk.exists(FOLLOWER.resolve(ImagePart.PART_FILE))).isFalse();
    assertOld(follower);
    chunks(leader).forEach(follower::persistSnapshotChunk); // sent again from the start
    follower.installReceivedSnapshot(leader.snapshotMeta());
    assertInstalled(follower, leader);
  }

  @Test
  void anImageDamagedInsideAChunkTheLeaderChecksummedIsRefused() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    DurableLogStorage follower = follower(followerDisk());
    List<SnapshotChunk> chunks = chunks(leader);
    // the leader's source changed under a resumed transfer: bytes and CRC agree, the image does not decode
    byte[] data = chunks.get(3).data().clone();
    data[7] ^= 0x40;
    CRC32C crc = new CRC32C();
    for (int i = 0; i < chunks.size(); i++) {
      crc.update(i == 3 ? data : chunks.get(i).data());
    }
    chunks.set(3, new SnapshotChunk(chunks.get(3).meta(), chunks.get(3).offset(), data, false, 0));
    SnapshotChunk last = chunks.get(chunks.size() - 1);
    chunks.set(chunks.size() - 1, new SnapshotChunk(last.meta(), last.offset(), last.data(), true, (int) crc.getValue()));
    chunks.forEach(follower::persistSnapshotChunk);
    assertThat(follower.snapshotReceivedWhole(leader.snapshotMeta())).isFalse();
    assertThat(follower.snapshotImagesRefused()).isEqualTo(1);
    assertOld(follower);
  }

  @Test
  void powerCutAtEveryStepOfAStreamedInstallLeavesTheOldStateOrTheNewOneAndResumes() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    List<SnapshotChunk> chunks = chunks(leader);
    SimulatedDisk base = followerDisk();
    int olds = 0;
    int news = 0;
    int resumedMidway = 0;
    for (int step = 0; ; step++) {
      SimulatedDisk disk = base.copy();
      DurableLogStorage follower = follower(disk);
      disk.cutPowerAfter(step);
      boolean done = true;
      try {
        chunks.forEach(follower::persistSnapshotChunk);
        follower.installReceivedSnapshot(leader.snapshotMeta());
      } catch (UncheckedIOException powerCut) {
        done = false;
      }
      disk.crash(CrashPolicy.loseAllUnsynced());
      DurableLogStorage reopened = follower(disk);
      if (reopened.snapshotMeta().index() == 20) {
        assertThat(done).as("step=" + step).isFalse();
        assertOld(reopened);
        olds++;
        // the leader resumes from what the follower holds; the rest completes the install
        long held = reopened.snapshotBytesReceived(leader.snapshotMeta());
        if (held > 0 && !reopened.snapshotReceivedWhole(leader.snapshotMeta())) {
          resumedMidway++;
        }
        for (SnapshotChunk c : chunks) {
          if (c.offset() >= held && !reopened.snapshotReceivedWhole(leader.snapshotMeta())) {
            reopened.persistSnapshotChunk(c);
          }
        }
        reopened.installReceivedSnapshot(leader.snapshotMeta());
      }
      assertInstalled(reopened, leader);
      if (reopened.snapshotMeta().index() != 20) {
        news++;
      }
      reopened.close();
      if (done) {
        break;
      }
    }
    assertThat(olds).isGreaterThan(3);
    assertThat(news).isGreaterThan(3);
    assertThat(resumedMidway).isGreaterThan(0);
  }

  @Test
  void aFollowerRestartResumesFromTheLastForcedByteAndCutsATornTail() throws IOException {
    DurableLogStorage leader = leader(new NioDisk(), tmp.resolve("leader"), 600);
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = follower(disk);
    List<SnapshotChunk> chunks = chunks(leader);
    for (int i = 0; i < 20; i++) {
      follower.persistSnapshotChunk(chunks.get(i));
    }
    assertThat(follower.snapshotBytesReceived(leader.snapshotMeta())).isEqualTo(20 * CHUNK);
    follower.abandon();
    disk.crash(CrashPolicy.loseAllUnsynced());
    DurableLogStorage restarted = follower(disk);
    // forced once the 17th chunk passed a segment's worth (16 KiB); what came after was never forced
    long held = restarted.snapshotBytesReceived(leader.snapshotMeta());
    assertThat(held).isEqualTo(17 * CHUNK);
    assertThat(disk.size(FOLLOWER.resolve(ImagePart.PART_FILE))).isLessThan(held + 200);
    chunks.stream().filter(c -> c.offset() >= held).forEach(restarted::persistSnapshotChunk);
    restarted.installReceivedSnapshot(leader.snapshotMeta());
    assertInstalled(restarted, leader);
  }

  @Test
  void aLeaderStreamsAnImageOfManyMebibytesHoldingAboutOneReadBatch() throws IOException {
    NioDisk disk = new NioDisk();
    DurableLogStorage leader = DurableLogStorage.open(disk, tmp.resolve("big"), LogConfig.defaults(), KEY, false)
        .shipRetainedEntries();
    Random random = new Random(3);
    long index = 1;
    for (int batch = 0; batch < 48; batch++) {
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
    ImageStream source = (ImageStream) leader.snapshotSource();
    CRC32C streamed = new CRC32C();
    long bytes = 0;
    for (byte[] chunk = source.next(64 << 10); chunk.length > 0; chunk = source.next(64 << 10)) {
      streamed.update(chunk);
      bytes += chunk.length;
    }
    assertThat(bytes).isGreaterThan(24L << 20);
    assertThat(source.peakHeldBytes()).as("bytes held at once").isLessThan(2L << 20);
    byte[] image = leader.snapshotImage();
    CRC32C whole = new CRC32C();
    whole.update(image);
    assertThat(streamed.getValue()).isEqualTo(whole.getValue());
    assertThat(SnapshotImage.decode(image).entries()).hasSize((int) (index - 1));
    leader.close();
  }

  @Test
  void compactionWaitsForTheEntriesAnImageStreamStillReads() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk(), LEADER, 600);
    List<SnapshotChunk> whole = chunks(leader);
    long first = leader.firstIndex();
    SnapshotSource source = leader.snapshotSource();
    java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
    streamed.writeBytes(source.next(CHUNK));
    leader.createSnapshot(new SnapshotMeta(590, leader.term(590), VOTERS), "state@590".getBytes());
    leader.compact(leader.snapshotMeta().index()); // retention: the fallback is at 550 now
    // only the entries the stream already read went; the fallback alone would have allowed up to 550
    assertThat(leader.firstIndex()).as("kept for the stream").isGreaterThan(first).isLessThan(320);
    for (byte[] chunk = source.next(CHUNK); chunk.length > 0; chunk = source.next(CHUNK)) {
      streamed.writeBytes(chunk);
    }
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    whole.forEach(c -> expected.writeBytes(c.data()));
    assertThat(streamed.toByteArray()).isEqualTo(expected.toByteArray());
    leader.compact(leader.snapshotMeta().index()); // the stream read everything: nothing pinned
    assertThat(leader.firstIndex()).isEqualTo(551);
  }

  static void assertOld(DurableLogStorage s) {
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isEqualTo(40);
    assertThat(s.snapshotData()).isEqualTo("state@20".getBytes());
    assertThat(s.entries(1, 41, Long.MAX_VALUE)).isEqualTo(entries(1, 40, 7));
  }

  static void assertInstalled(DurableLogStorage follower, DurableLogStorage leader) {
    long s = leader.snapshotMeta().index();
    assertThat(follower.snapshotMeta()).isEqualTo(leader.snapshotMeta());
    assertThat(follower.snapshotData()).isEqualTo("state@end".getBytes());
    assertThat(follower.firstIndex()).isEqualTo(leader.firstIndex());
    assertThat(follower.lastIndex()).isEqualTo(s);
    assertThat(follower.entries(follower.firstIndex(), s + 1, Long.MAX_VALUE))
        .isEqualTo(leader.entries(leader.firstIndex(), s + 1, Long.MAX_VALUE));
  }
}
