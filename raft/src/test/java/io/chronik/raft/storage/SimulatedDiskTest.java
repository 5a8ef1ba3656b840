package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated disk loses what a real one may lose, so recovery code meets those losses in tests. */
class SimulatedDiskTest {

  private static void writeSynced(Disk disk, Path file) throws IOException {
    try (FileChannel ch = disk.open(file, true)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
      ch.force(true);
    }
    disk.syncDirectory(file.getParent());
  }

  @Test
  void aNewDirectoryWhoseNameWasNeverSyncedIsLostWithItsSyncedFiles() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    List<Path> parents = disk.createDirectories(Path.of("/data/raft/g1"));
    assertThat(parents).containsExactly(Path.of("/"), Path.of("/data"), Path.of("/data/raft"));
    writeSynced(disk, Path.of("/data/raft/g1/seg"));
    disk.crash(CrashPolicy.loseAllUnsynced());
    assertThat(disk.exists(Path.of("/data/raft/g1/seg"))).isFalse();
  }

  @Test
  void createDirectoriesDurablyKeepsTheDirectoryAndItsSyncedFiles() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    disk.createDirectoriesDurably(Path.of("/data/raft/g1"));
    writeSynced(disk, Path.of("/data/raft/g1/seg"));
    assertThat(disk.createDirectories(Path.of("/data/raft/g1"))).as("nothing new to sync").isEmpty();
    disk.crash(CrashPolicy.loseAllUnsynced());
    assertThat(disk.exists(Path.of("/data/raft/g1/seg"))).isTrue();
  }

  @Test
  void aNewGroupsFirstSyncMakesItsDirectorySurviveACrash() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (SegmentedLog log = SegmentedLog.open(disk, Path.of("/node/raft/p0"), LogConfig.defaults()
        .withSegmentBytes(1 << 16).withPreallocate(false), 0, false)) {
      log.append(1, 1, RecordFrame.NO_KEY, 0, ByteBuffer.wrap(new byte[] {7}));
      assertThat(log.sync()).isEqualTo(1);
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (SegmentedLog log = SegmentedLog.open(disk, Path.of("/node/raft/p0"), LogConfig.defaults()
        .withSegmentBytes(1 << 16).withPreallocate(false), 1, false)) {
      assertThat(log.lastIndex()).isEqualTo(1);
    }
  }
}
