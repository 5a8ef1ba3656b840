package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * Catch-up by snapshot on disk: a leader's image (snapshot data plus its retained entries) round-trips,
 * is refused when damaged, and installs on a follower so that afterwards it holds the leader's log from
 * the leader's first index on; a power cut at every step of the install leaves the old state or the
 * complete new one.
 */
class SnapshotImageTest {
  private static final Path LEADER = Path.of("/leader");
  private static final Path FOLLOWER = Path.of("/follower");
  private static final LogConfig CONFIG = LogConfig.defaults().withSegmentBytes(4096).withPreallocate(false);
  private static final ToLongFunction<Entry> KEY = e -> e.index() * 10;
  private static final Configuration VOTERS = Configuration.of(List.of(1, 2, 3));

  private static List<Entry> entries(long from, long through, long seed) {
    Random random = new Random(seed);
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= through; i++) {
      byte[] payload = new byte[20 + random.nextInt(200)];
      random.nextBytes(payload);
      out.add(new Entry(i, 1 + i / 100, i % 50 == 0 ? EntryType.CONFIG : EntryType.NORMAL, payload));
    }
    return out;
  }

  /** A leader with entries 1..300, snapshots at 150 and 250, compacted as far as the fallback allows. */
  private static DurableLogStorage leader(SimulatedDisk disk) throws IOException {
    DurableLogStorage s = DurableLogStorage.open(disk, LEADER, CONFIG, KEY, false).shipRetainedEntries();
    s.append(entries(1, 300, 7));
    s.sync();
    s.createSnapshot(new SnapshotMeta(150, s.term(150), VOTERS), "state@150".getBytes());
    s.createSnapshot(new SnapshotMeta(250, s.term(250), VOTERS), "state@250".getBytes());
    s.compact(250);
    return s;
  }

  /** A follower that stopped at 40 with a snapshot at 20. */
  private static SimulatedDisk followerDisk() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (DurableLogStorage s = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false)) {
      s.append(entries(1, 40, 7));
      s.sync();
      s.createSnapshot(new SnapshotMeta(20, s.term(20), VOTERS), "state@20".getBytes());
    }
    return disk;
  }

  @Test
  void aLeaderImageCarriesItsRetainedEntriesThroughTheSnapshot() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk());
    assertThat(leader.firstIndex()).isEqualTo(151);
    SnapshotImage image = SnapshotImage.decode(leader.snapshotImage());
    assertThat(image.state()).isEqualTo("state@250".getBytes());
    assertThat(image.firstIndex()).isEqualTo(151);
    assertThat(image.prevTerm()).isEqualTo(leader.term(150));
    assertThat(image.entries()).isEqualTo(leader.entries(151, 251, Long.MAX_VALUE));
    assertThat(SnapshotImage.decode(image.encode()).entries()).isEqualTo(image.entries());
  }

  @Test
  void withoutShippingEntriesTheImageIsTheSnapshotData() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    DurableLogStorage s = DurableLogStorage.open(disk, LEADER, CONFIG, KEY, false);
    s.append(entries(1, 10, 1));
    s.sync();
    s.createSnapshot(new SnapshotMeta(5, s.term(5), VOTERS), "plain".getBytes());
    assertThat(s.snapshotImage()).isEqualTo("plain".getBytes());
  }

  @Test
  void everyTruncationAndBitFlipOfAnImageIsRefused() {
    byte[] bytes = new SnapshotImage("st".getBytes(), 5, 2, entries(5, 8, 3).subList(0, 4)).encode();
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> SnapshotImage.decode(truncated)).as("cut=" + cut)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=");
    }
    for (int at = 0; at < bytes.length; at++) {
      byte[] flipped = bytes.clone();
      flipped[at] ^= 0x01;
      assertThatThrownBy(() -> SnapshotImage.decode(flipped)).as("at=" + at)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason=");
    }
  }

  @Test
  void entriesThatSkipAnIndexAreNotEncoded() {
    List<Entry> gap = List.of(Entry.normal(5, 1, new byte[1]), Entry.normal(7, 1, new byte[1]));
    assertThatThrownBy(() -> new SnapshotImage(new byte[0], 5, 1, gap).encode())
        .hasMessageContaining("reason=snapshot-image-not-contiguous");
  }

  @Test
  void aFollowerInstallingTheImageHoldsTheLeadersLogFromItsFirstIndexAndAfterARestart() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk());
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false).shipRetainedEntries();
    follower.installSnapshot(leader.snapshotMeta(), leader.snapshotImage());
    assertInstalled(follower, leader);
    follower.close();
    assertInstalled(DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false), leader);
    assertThat(disk.exists(FOLLOWER.resolve(DurableLogStorage.INSTALL_FILE))).isFalse();
  }

  @Test
  void aDamagedNewestSnapshotAfterAnInstallFallsBackToTheInstalledOneNotTheOldOne() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk());
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false).shipRetainedEntries();
    follower.installSnapshot(leader.snapshotMeta(), leader.snapshotImage());
    follower.close();
    disk.corrupt(FOLLOWER.resolve(SnapshotFile.FILE), 20, 0x01);
    assertInstalled(DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false), leader);
  }

  @Test
  void anImageThatDoesNotEndAtTheSnapshotIsRefusedBeforeAnythingChanges() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk());
    SimulatedDisk disk = followerDisk();
    DurableLogStorage follower = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false).shipRetainedEntries();
    SnapshotMeta other = new SnapshotMeta(260, leader.term(260), VOTERS);
    assertThatThrownBy(() -> follower.installSnapshot(other, leader.snapshotImage()))
        .hasMessageContaining("reason=image-does-not-end-at-snapshot");
    assertOld(follower);
  }

  @Test
  void powerCutAtEveryStepOfAnInstallLeavesTheOldStateOrTheCompleteNewOne() throws IOException {
    DurableLogStorage leader = leader(new SimulatedDisk());
    byte[] image = leader.snapshotImage();
    SimulatedDisk base = followerDisk();
    int olds = 0;
    int news = 0;
    for (int step = 0; ; step++) {
      SimulatedDisk disk = base.copy();
      DurableLogStorage follower = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false).shipRetainedEntries();
      disk.cutPowerAfter(step);
      boolean done = true;
      try {
        follower.installSnapshot(leader.snapshotMeta(), image);
      } catch (UncheckedIOException powerCut) {
        done = false;
      }
      disk.crash(CrashPolicy.loseAllUnsynced());
      DurableLogStorage reopened = DurableLogStorage.open(disk, FOLLOWER, CONFIG, KEY, false);
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
    assertThat(news).isGreaterThan(3);
  }

  private static void assertOld(DurableLogStorage s) {
    assertThat(s.firstIndex()).isEqualTo(1);
    assertThat(s.lastIndex()).isEqualTo(40);
    assertThat(s.snapshotData()).isEqualTo("state@20".getBytes());
    assertThat(s.entries(1, 41, Long.MAX_VALUE)).isEqualTo(entries(1, 40, 7));
  }

  private static void assertInstalled(DurableLogStorage follower, DurableLogStorage leader) {
    assertThat(follower.snapshotMeta()).isEqualTo(leader.snapshotMeta());
    assertThat(follower.snapshotData()).isEqualTo("state@250".getBytes());
    assertThat(follower.firstIndex()).isEqualTo(leader.firstIndex());
    assertThat(follower.lastIndex()).isEqualTo(250);
    assertThat(follower.term(150)).isEqualTo(leader.term(150));
    assertThat(follower.entries(151, 251, Long.MAX_VALUE)).isEqualTo(leader.entries(151, 251, Long.MAX_VALUE));
  }
}
