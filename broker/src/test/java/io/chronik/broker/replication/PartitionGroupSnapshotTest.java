package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.pipeline.completion.AppendBatchView;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-replica partition on real files, restarted from disk: its snapshot carries the producer
 * table, so a retry of a batch written long before (further back than the old recovery scan reaches)
 * is still a duplicate after the restart, and the records the snapshot covers are still served.
 */
class PartitionGroupSnapshotTest {
  private static final int OLD_PRODUCER = 7;
  /** More entries than the no-snapshot recovery scan reads. */
  private static final int LATER_ENTRIES = (int) PartitionGroup.RECOVERY_SCAN_ENTRIES + 2_000;

  @TempDir
  Path dir;
  private NodeStorageSync sync;
  private PartitionGroup group;

  private void open(long snapshotIntervalEntries) throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), dir.resolve("p0"),
        new LogConfig(1 << 20, 4096, 64 << 10, false), e -> LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    node.campaign();
    group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync, 1, snapshotIntervalEntries);
    settle();
    assertThat(group.leaderCaughtUp()).isTrue();
  }

  private void restart(long snapshotIntervalEntries) throws IOException {
    close();
    open(snapshotIntervalEntries);
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

  private void propose(List<ByteBuffer> payloads) throws IOException {
    AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(payloads), null);
    assertThat(admitted.size()).isEqualTo(payloads.size());
    assertThat(group.propose(admitted).isAccepted()).isTrue();
    settle();
  }

  /** One idempotent batch of the old producer at offset 0, then LATER_ENTRIES one-record entries. */
  private void writeHistory() throws IOException {
    propose(List.of(KafkaBatches.idempotent(OLD_PRODUCER, (short) 0, 0, 1)));
    for (int written = 0; written < LATER_ENTRIES; ) {
      List<ByteBuffer> payloads = new ArrayList<>();
      for (int i = 0; i < 1_000 && written < LATER_ENTRIES; i++, written++) {
        payloads.add(KafkaBatches.plain(1, 1_000L, Compression.NONE));
      }
      propose(payloads);
    }
    assertThat(group.readIndex().highWatermark()).isEqualTo(1 + LATER_ENTRIES);
  }

  @Test
  void aRetryOfABatchWrittenLongBeforeIsStillADuplicateAfterRestart() throws IOException {
    open(1_000);
    writeHistory();
    assertThat(group.snapshotsTaken()).isGreaterThanOrEqualTo(LATER_ENTRIES / 1_000 - 1);

    restart(1_000);
    ProducerSequences.Check retry = group.producerSequences().check(OLD_PRODUCER, (short) 0, 0, 0);
    assertThat(retry.original()).as("old batch still known after restart").isNotNull();
    assertThat(retry.original().baseOffset()).isZero();
    assertThat(group.producerSequences().check(OLD_PRODUCER, (short) 0, 1, 1))
        .isSameAs(ProducerSequences.Check.APPEND);
    // offsets continue from the tail, and every record (also those under the snapshot) is served
    assertThat(group.logEndOffset()).isEqualTo(1 + LATER_ENTRIES);
    propose(List.of(KafkaBatches.plain(2, 1_000L, Compression.NONE)));
    assertThat(group.readIndex().highWatermark()).isEqualTo(3 + LATER_ENTRIES);
    List<Long> firstBases = new ArrayList<>();
    for (MutableRecordBatch b : group.readIndex().read(0, 4096, true).batches()) {
      firstBases.add(b.baseOffset());
    }
    assertThat(firstBases).startsWith(0L, 1L, 2L);
  }

  @Test
  void withoutASnapshotTheOldProducerIsForgottenByTheBoundedScan() throws IOException {
    // the control: what the snapshot fixes (interval larger than the history: none is taken)
    open(1_000_000);
    writeHistory();
    assertThat(group.snapshotsTaken()).isZero();
    restart(1_000_000);
    assertThat(group.producerSequences().check(OLD_PRODUCER, (short) 0, 0, 0))
        .isSameAs(ProducerSequences.Check.APPEND);
    assertThat(group.logEndOffset()).isEqualTo(1 + LATER_ENTRIES);
  }

  @Test
  void theCleaningMarkerRoundTripsAndOlderSnapshotsReadAsNoCleaning() {
    byte[] table = new ProducerSequences().encode(5);
    CleaningMarker marker = new CleaningMarker(900, 120, 600);
    PartitionSnapshot back = PartitionSnapshot.decode(new PartitionSnapshot(1000, 10, 90, marker, table).encode());
    assertThat(back.cleaning()).isEqualTo(marker);
    assertThat(back.compactionFloorIndex()).isEqualTo(90);
    assertThat(back.logStartOffset()).isEqualTo(10);
    assertThat(back.producerTable()).isEqualTo(table);
    byte[] version2 = java.nio.ByteBuffer.allocate(25 + table.length).put((byte) 2).putLong(1000).putLong(10)
        .putLong(90).put(table).array();
    PartitionSnapshot old = PartitionSnapshot.decode(version2);
    assertThat(old.cleaning()).isEqualTo(CleaningMarker.NONE);
    assertThat(old.compactionFloorIndex()).isEqualTo(90);
    assertThat(old.producerTable()).isEqualTo(table);
  }

  @Test
  void producerTableRoundTripsAsOfTheSnapshotIndex() {
    ProducerSequences table = new ProducerSequences();
    table.record(1, (short) 0, 0, 4, 0, 10, 10);
    table.record(1, (short) 0, 5, 9, 5, 11, 11);
    table.record(2, (short) 3, 0, 0, 10, 12, 12);
    ProducerSequences decoded = new ProducerSequences();
    decoded.decode(ByteBuffer.wrap(table.encode(11)));
    assertThat(decoded.producerCount()).isEqualTo(1);
    assertThat(decoded.check(1, (short) 0, 5, 9).original().baseOffset()).isEqualTo(5);
    assertThat(decoded.check(1, (short) 0, 10, 12)).isSameAs(ProducerSequences.Check.APPEND);
    byte[] full = new PartitionSnapshot(11, 0, 0, table.encode(12)).encode();
    PartitionSnapshot back = PartitionSnapshot.decode(full);
    assertThat(back.nextOffset()).isEqualTo(11);
    decoded.decode(ByteBuffer.wrap(back.producerTable()));
    assertThat(decoded.producerCount()).isEqualTo(2);
    assertThatThrownBy(() -> PartitionSnapshot.decode(new byte[] {9, 0, 0}))
        .hasMessageContaining("reason=unknown-partition-snapshot");
    assertThatThrownBy(() -> decoded.decode(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 0})))
        .hasMessageContaining("reason=truncated-producer-table");
  }

  @Test
  void logStartOnlyMovesForwardIsCappedAtTheRecordsAndSurvivesRestart() throws IOException {
    open(3);
    for (int i = 0; i < 10; i++) {
      propose(List.of(KafkaBatches.plain(10, 1_000L, Compression.NONE))); // offsets 0..99
    }
    List<Long> seen = new ArrayList<>();
    for (long asked : new long[] {40, 20, 40, 70, 5, 1_000_000}) {
      propose(List.of(LogStartMarker.encode(asked)));
      seen.add(group.logStartOffset());
    }
    // lower requests change nothing; a request past the records stops at the offset after them
    assertThat(seen).containsExactly(40L, 40L, 40L, 70L, 70L, 100L);
    assertThat(group.logEndOffset()).isEqualTo(100); // markers take no offsets
    propose(List.of(KafkaBatches.plain(1, 1_000L, Compression.NONE)));
    assertThat(group.readIndex().highWatermark()).isEqualTo(101);
    assertThat(group.snapshotsTaken()).isPositive();

    restart(3);
    assertThat(group.logStartOffset()).isEqualTo(100);
    propose(List.of(LogStartMarker.encode(50)));
    assertThat(group.logStartOffset()).isEqualTo(100);
    assertThat(group.logEndOffset()).isEqualTo(101);
  }
}
