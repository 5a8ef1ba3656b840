package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of a single-replica partition on real files: the leader's check proposes a log start at a
 * segment boundary, whole segments below it and below the snapshots are deleted, the read index is
 * trimmed, records at and above the log start are all served, and a restart keeps all of it.
 */
class PartitionRetentionTest {
  private static final long DAY_MS = 86_400_000L;

  @TempDir
  Path dir;
  private NodeStorageSync sync;
  private PartitionGroup group;
  private RaftNode node;
  private DurableLogStorage storage;

  private void open() throws IOException {
    open(3, true);
  }

  /** {@code settled}: false leaves the replica as it opened, before its node applied anything. */
  private void open(long snapshotIntervalEntries, boolean settled) throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(new NioDisk(), dir));
    storage = DurableLogStorage.open(new NioDisk(), dir.resolve("p0"),
        new LogConfig(1 << 20, 256, 64 << 10, false),
        e -> e.payload().length >= BatchHeaders.HEADER_BYTES ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload()))
            : LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync, 1, snapshotIntervalEntries);
    if (settled) {
      node.campaign();
      settle();
      assertThat(group.leaderCaughtUp()).isTrue();
    }
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

  private void propose(ByteBuffer payload) throws IOException {
    AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(List.of(payload)), null);
    assertThat(group.propose(admitted).isAccepted()).isTrue();
    settle();
  }

  /** Checks retention until nothing more is proposed (each round: a marker, then the snapshots it needs). */
  private void retain(long nowMs) throws IOException {
    for (int round = 0; round < 20; round++) {
      boolean proposed = group.checkRetention(nowMs);
      settle();
      propose(KafkaBatches.plain(1, nowMs, Compression.NONE)); // applied entries: snapshots come
      if (!proposed && round > 3) {
        return;
      }
    }
  }

  private long segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("p0"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
    }
  }

  private long firstServedOffset() throws IOException {
    for (MutableRecordBatch b : group.readIndex().read(group.logStartOffset(), 1 << 20, true).batches()) {
      return b.baseOffset();
    }
    return -1;
  }

  @Test
  void retentionBytesDeletesWholeOldSegmentsKeepsEveryRecordAboveAndSurvivesRestart() throws IOException {
    open();
    group.retentionPolicy(new RetentionPolicy(-1, 4096, 2048, Long.MAX_VALUE));
    for (int i = 0; i < 100; i++) {
      propose(KafkaBatches.plain(10, 1_000L, Compression.NONE)); // offsets 10*i .. 10*i+9, ~300 bytes
    }
    long filesBefore = segmentFiles();
    int indexedBefore = group.readIndex().entryCount();
    assertThat(filesBefore).isGreaterThan(10);

    retain(System.currentTimeMillis());
    long start = group.logStartOffset();
    assertThat(start).as("a batch boundary well into the log").isPositive().isLessThan(1000);
    assertThat(start % 10).isZero();
    assertThat(segmentFiles()).as("whole segments deleted").isLessThan(filesBefore / 2);
    assertThat(group.firstIndex()).isGreaterThan(1);
    assertThat(group.readIndex().entryCount()).isLessThan(indexedBefore);
    assertThat(firstServedOffset()).isEqualTo(start);
    assertThat(group.readIndex().highWatermark()).isGreaterThanOrEqualTo(1000);
    long firstIndex = group.firstIndex();

    close();
    open();
    assertThat(group.logStartOffset()).as("log start after restart").isEqualTo(start);
    assertThat(group.firstIndex()).isEqualTo(firstIndex);
    assertThat(firstServedOffset()).isEqualTo(start);
    propose(KafkaBatches.plain(1, 1_000L, Compression.NONE));
    assertThat(group.readIndex().highWatermark()).as("offsets continue").isGreaterThan(1000);
  }

  @Test
  void retentionDeletesBeforeThePartitionsFirstIntervalSnapshot() throws IOException {
    open(1_000_000, true); // the entry interval never comes: retention alone must take the snapshots it needs
    group.retentionPolicy(new RetentionPolicy(-1, 4096, 2048, Long.MAX_VALUE));
    for (int i = 0; i < 100; i++) {
      propose(KafkaBatches.plain(10, 1_000L, Compression.NONE));
    }
    long filesBefore = segmentFiles();

    retain(System.currentTimeMillis());
    assertThat(group.logStartOffset()).isPositive();
    assertThat(group.firstIndex()).as("entries below the log start deleted").isGreaterThan(1);
    assertThat(segmentFiles()).as("whole segments deleted").isLessThan(filesBefore / 2);
    assertThat(firstServedOffset()).isEqualTo(group.logStartOffset());
  }

  @Test
  void retentionMsDeletesOnlySegmentsWhoseNewestBatchIsOlder() throws IOException {
    open();
    long now = System.currentTimeMillis();
    group.retentionPolicy(new RetentionPolicy(DAY_MS, -1, 2048, Long.MAX_VALUE));
    for (int i = 0; i < 40; i++) {
      propose(KafkaBatches.plain(10, now - 3 * DAY_MS, Compression.NONE)); // offsets 0..399: old
    }
    for (int i = 0; i < 40; i++) {
      propose(KafkaBatches.plain(10, now, Compression.NONE)); // offsets 400..799: recent
    }
    retain(now);
    long start = group.logStartOffset();
    assertThat(start).as("old segments only; the one holding old and new stays").isPositive()
        .isLessThanOrEqualTo(400);
    assertThat(firstServedOffset()).isEqualTo(start);
  }

  @Test
  void deleteRecordsAloneDeletesNothingUntilTheLeaderNamesAFloor() throws IOException {
    open();
    group.retentionPolicy(new RetentionPolicy(-1, -1, 2048, Long.MAX_VALUE)); // small segments, keep all
    for (int i = 0; i < 60; i++) {
      propose(KafkaBatches.plain(10, 1_000L, Compression.NONE));
    }
    propose(LogStartMarker.encode(300));
    for (int i = 0; i < 10; i++) {
      propose(KafkaBatches.plain(1, 1_000L, Compression.NONE));
    }
    assertThat(group.logStartOffset()).isEqualTo(300);
    assertThat(group.firstIndex()).as("a DeleteRecords marker names no floor").isEqualTo(1);
    assertThat(firstServedOffset()).isEqualTo(300);

    retain(System.currentTimeMillis()); // unlimited policy: only the floor marker
    assertThat(group.logStartOffset()).isEqualTo(300);
    assertThat(group.firstIndex()).as("segments below the log start deleted").isGreaterThan(1);
    assertThat(firstServedOffset()).isEqualTo(300);
  }

  @Test
  void aReplicaReopenedFromEitherSnapshotGenerationServesFromThatSnapshotsLogStart() throws IOException {
    open(40, true);
    group.retentionPolicy(new RetentionPolicy(-1, -1, 2048, Long.MAX_VALUE)); // small segments, keep all
    for (int i = 0; i < 100; i++) {
      propose(KafkaBatches.plain(10, 1_000L, Compression.NONE)); // snapshots at about 40 and 80
    }
    long commit = node.commitIndex();
    propose(LogStartMarker.encode(500, commit)); // a floor at the commit index: only snapshots hold segments
    assertThat(group.logStartOffset()).isEqualTo(500);
    assertThat(holdsOffsetZero()).as("both snapshots still name log start 0").isTrue();

    // the entry interval's next snapshot names 500 while the fallback still names 0 (a retention check would
    // take two at once, both naming 500)
    long markerIndex = node.commitIndex();
    while (storage.snapshotMeta().index() <= markerIndex) {
      propose(KafkaBatches.plain(1, 1_000L, Compression.NONE));
    }
    assertThat(holdsOffsetZero()).as("the fallback snapshot still names log start 0").isTrue();
    assertThat(firstServedOffset()).isEqualTo(500);
    reopenAndServeFromOwnLogStart(0, true); // the newest snapshot damaged: the fallback, log start 0

    // a load that fell back knows no fallback generation, so a snapshot or two until both name 500
    for (int check = 0; check < 3 && holdsOffsetZero(); check++) {
      group.checkRetention(System.currentTimeMillis());
    }
    assertThat(holdsOffsetZero()).as("segments below 500 deleted").isFalse();
    reopenAndServeFromOwnLogStart(500, true);
    reopenAndServeFromOwnLogStart(500, false);
  }

  @Test
  void aReplicaReopenedAfterEveryRecordWasDeletedKeepsItsHighWatermark() throws IOException {
    open(3, true);
    group.retentionPolicy(new RetentionPolicy(-1, -1, 2048, Long.MAX_VALUE)); // small segments, keep all
    for (int i = 0; i < 20; i++) {
      propose(KafkaBatches.plain(10, 1_000L, Compression.NONE));
    }
    long end = group.readIndex().highWatermark();
    propose(LogStartMarker.encode(end, node.commitIndex())); // DeleteRecords at the high watermark: every record
    for (int i = 0; i < 3; i++) {
      propose(LogStartMarker.encode(end, node.commitIndex())); // its retries: the stored tail is markers only
    }
    group.checkRetention(System.currentTimeMillis()); // idle, log start moved: a snapshot naming it
    settle();
    long snapshotAt = storage.snapshotMeta().index();
    assertThat(PartitionSnapshot.logStartOffsetOf(storage.snapshotData())).isEqualTo(end);
    // the state the broker simulation reached (seed 580 of the pipelining run): the first stored entry lies past
    // every entry holding a record
    storage.compact(snapshotAt);
    assertThat(storage.log().floorIndexForKey(end - 1)).as("no stored entry holds a record")
        .isLessThan(storage.firstIndex());

    close();
    open(3, false);
    assertThat(group.logStartOffset()).isEqualTo(end);
    assertThat(group.readIndex().highWatermark()).as("the committed records end where they ended").isEqualTo(end);
  }

  /** The entry holding record 0 is still stored. */
  private boolean holdsOffsetZero() throws IOException {
    long index = storage.log().floorIndexForKey(0);
    return index >= storage.firstIndex();
  }

  /** Closes, optionally damages the newest snapshot file, reopens unsettled and reads at the log start. */
  private void reopenAndServeFromOwnLogStart(long expectedLogStart, boolean damageNewest) throws IOException {
    close();
    if (damageNewest) {
      Path newest = dir.resolve("p0").resolve("snapshot");
      byte[] bytes = Files.readAllBytes(newest);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(newest, bytes);
    }
    open(40, false);
    assertThat(group.logStartOffset()).as("log start of the snapshot it opened from").isEqualTo(expectedLogStart);
    assertThat(firstServedOffset()).as("served at its own log start").isEqualTo(expectedLogStart);
    node.campaign();
    settle();
    assertThat(group.logStartOffset()).as("the marker applied again").isEqualTo(500);
    assertThat(firstServedOffset()).isEqualTo(500);
  }
}
