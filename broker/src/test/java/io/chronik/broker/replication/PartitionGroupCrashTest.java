package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.GroupReady;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.CrashPolicy;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;

/**
 * A single-replica partition on raft's simulated disk (its test-jar): a power cut loses the entries
 * persisted but not yet synced, and the replica reopens at the offset after the last synced batch, so
 * the next batch continues the offsets without a gap (the tail assertion checks every entry).
 */
class PartitionGroupCrashTest {
  private static final Path DIR = Path.of("/node");
  private final SimulatedDisk disk = new SimulatedDisk();
  private NodeStorageSync sync;
  private PartitionGroup group;

  private void open() throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(disk, DIR));
    DurableLogStorage storage = DurableLogStorage.open(disk, DIR.resolve("p0"),
        new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(3));
    node.campaign();
    group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync);
    drive(true);
  }

  /** Persists, and with {@code synced} syncs, applies and advances, until the group is quiet. */
  private void drive(boolean synced) throws IOException {
    for (int i = 0; i < 100 && group.hasReady(); i++) {
      GroupReady<GroupMessage> ready = group.ready();
      if (ready.hasWrites()) {
        group.persist(ready);
        if (!synced) {
          return; // the power goes before the sync
        }
        sync.sync();
      }
      group.apply(ready);
      group.advance(ready);
    }
  }

  private void propose(int batches) {
    ByteBuffer[] payloads = new ByteBuffer[batches];
    for (int i = 0; i < batches; i++) {
      payloads[i] = KafkaBatches.plain(2, 1_000L, Compression.NONE);
    }
    AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(List.of(payloads)), null);
    assertThat(group.propose(admitted).isAccepted()).isTrue();
  }

  @Test
  void aPowerCutBeforeTheSyncReopensAtTheLastSyncedOffset() throws IOException {
    open();
    propose(3);
    drive(true);
    assertThat(group.logEndOffset()).isEqualTo(6);
    propose(2);
    drive(false);
    assertThat(group.logEndOffset()).isEqualTo(10);

    disk.crash(CrashPolicy.loseAllUnsynced());
    open();
    assertThat(group.logEndOffset()).isEqualTo(6);
    propose(1);
    drive(true);
    assertThat(group.logEndOffset()).isEqualTo(8);
    List<Long> bases = new ArrayList<>();
    for (MutableRecordBatch b : group.readIndex().read(0, Integer.MAX_VALUE, true).batches()) {
      bases.add(b.baseOffset());
    }
    assertThat(bases).containsExactly(0L, 2L, 4L, 6L);
  }
}
