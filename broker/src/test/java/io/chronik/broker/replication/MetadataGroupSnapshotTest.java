package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A one-voter metadata group on real files: it snapshots its image every few entries and compacts its
 * log, and a restart loads the snapshot plus the tail into an image equal to the one before; a damaged
 * newest snapshot file is not used (the previous generation and its longer tail are), and a stored
 * snapshot this build cannot decode stops the open with its reason.
 */
class MetadataGroupSnapshotTest {
  private static final int INTERVAL = 10;

  @TempDir
  Path dir;
  private NodeStorageSync sync;
  private MetadataGroup group;
  private MetadataImage image;
  private MetadataImageTest.StateThread state;

  private void open() throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir.resolve(MetadataGroup.DIR),
        new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false,
        sync.journal().slot(MetadataGroup.DIR));
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    node.campaign();
    state = new MetadataImageTest.StateThread();
    image = MetadataImageTest.image(state);
    group = new MetadataGroup(node, storage, sync, image, INTERVAL);
    group.loadStoredSnapshot();
    settle();
  }

  @AfterEach
  void close() throws IOException {
    if (sync != null) {
      sync.close();
      group.close(false);
      sync = null;
    }
  }

  private void settle() throws IOException {
    Settle.settle(group, sync, group::apply);
  }

  private void propose(MetadataCommand command) throws IOException {
    assertThat(group.propose(new SingleAppend(0, ByteBuffer.wrap(MetadataCommand.encode(command)), 0, null, null))
        .isAccepted()).isTrue();
    settle();
  }

  /** Cluster id, two topics (one reconfigured), then {@code commits} offset commits. */
  private void writeHistory(int commits) throws IOException {
    propose(new MetadataCommand.ClusterId("snap-cluster"));
    propose(new MetadataCommand.CreateTopic("orders", 1, 2, 3, 3));
    propose(new MetadataCommand.CreateTopic("logs", 3, 4, 1, 3, Map.of("retention.ms", "1000")));
    propose(new MetadataCommand.TopicConfigs("logs", Map.of("retention.ms", "2000")));
    for (int i = 0; i < commits; i++) {
      propose(new MetadataCommand.CommitOffsets("g" + (i % 3), List.of(
          new MetadataCommand.Offset("orders", i % 3, i, 1, "c" + i))));
    }
  }

  private void restart() throws IOException {
    close();
    open();
  }

  @Test
  void aRestartLoadsTheSnapshotAndTheTailIntoTheSameImage() throws IOException {
    open();
    writeHistory(6 * INTERVAL);
    assertThat(group.snapshotsTaken()).isGreaterThanOrEqualTo(5);
    assertThat(group.firstIndex()).as("log compacted below the previous snapshot").isGreaterThan(1);
    assertThat(Files.exists(dir.resolve(MetadataGroup.DIR).resolve("snapshot.prev"))).isTrue();
    MetadataSnapshot before = image.snapshot();
    Map<String, Object> stateBefore = state.view();
    long snapshotIndex = group.snapshotIndex();

    restart();
    assertThat(group.openedFromSnapshot()).isTrue();
    assertThat(group.snapshotIndex()).isEqualTo(snapshotIndex);
    assertThat(image.snapshot()).isEqualTo(before);
    assertThat(state.view()).isEqualTo(stateBefore);
    assertThat(state.clusterId).isEqualTo("snap-cluster");
    // and it goes on: new commands apply over the restored image
    propose(new MetadataCommand.DeleteTopic("logs"));
    assertThat(state.topics).containsOnlyKeys("orders");
  }

  @Test
  void aDamagedNewestSnapshotIsNotUsedThePreviousOneAndItsTailAre() throws IOException {
    open();
    writeHistory(3 * INTERVAL + 3);
    MetadataSnapshot before = image.snapshot();
    close();
    Path newest = dir.resolve(MetadataGroup.DIR).resolve("snapshot");
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(newest, bytes);

    open();
    assertThat(group.openedFromSnapshot()).isTrue();
    assertThat(image.snapshot()).isEqualTo(before);
  }

  @Test
  void aStoredSnapshotThisBuildCannotDecodeStopsTheOpenWithItsReason() throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir.resolve(MetadataGroup.DIR),
        new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false,
        sync.journal().slot(MetadataGroup.DIR));
    storage.append(List.of(new io.chronik.raft.log.Entry(1, 1, io.chronik.raft.log.EntryType.NORMAL, new byte[0])));
    storage.createSnapshot(new io.chronik.raft.log.SnapshotMeta(1, 1, Configuration.of(List.of(1))),
        new byte[] {1, 2, 3});
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)), RaftOptions.defaults(),
        new SplittableRandom(1));
    assertThatThrownBy(() -> new MetadataGroup(node, storage, sync, image, INTERVAL))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("group=metadata snapshotIndex=1 reason=stored-metadata-snapshot-unreadable");
    storage.close();
    sync.close();
    sync = null;
  }

  /** Snapshot files lost while the log was compacted below them: the rest of the log is no image. */
  @Test
  void aCompactedLogWithoutItsSnapshotsStopsTheOpenInsteadOfBuildingAPartialImage() throws IOException {
    open();
    writeHistory(3 * INTERVAL);
    assertThat(group.firstIndex()).isGreaterThan(1);
    close();
    Files.delete(dir.resolve(MetadataGroup.DIR).resolve("snapshot"));
    Files.delete(dir.resolve(MetadataGroup.DIR).resolve("snapshot.prev"));
    assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reason=metadata-log-compacted-without-snapshot");
    sync.close();
    sync = null;
  }
}
