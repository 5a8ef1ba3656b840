package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.storage.CrashPolicy;
import io.chronik.raft.storage.Disk;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.SimulatedDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key compaction of a single-replica partition, on real files and on raft's crash-simulating disk: the leader
 * proposes a cleaning point, the replica rewrites its closed segments below it, and what readers get is the
 * latest record per key below the point plus everything above it, at the original offsets (gaps where
 * records went), with every batch header kept; tombstones go once delete.retention.ms passed; a power cut at
 * any step of a cleaning pass reopens to a log that serves the uncleaned or the cleaned records of each
 * segment, and the next pass finishes the job.
 */
class PartitionCompactionTest {
  private static final long DAY_MS = 86_400_000L;
  private static final long NOW_MS = 1_700_000_000_000L;
  private static final int KEYS = 5;

  @TempDir
  Path tmp;
  private Disk disk;
  private Path dir;
  private NodeStorageSync sync;
  private PartitionGroup group;
  /** Every record produced: offset -> {key, value (null = tombstone)}. */
  private final Map<Long, String[]> produced = new HashMap<>();
  private final List<Long> producedBases = new ArrayList<>();

  private void open(long deleteRetentionMs) throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(disk, dir));
    DurableLogStorage storage = DurableLogStorage.open(disk, dir.resolve("p0"),
        new LogConfig(1 << 20, 256, 64 << 10, false),
        e -> e.payload().length >= BatchHeaders.HEADER_BYTES ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload()))
            : LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    node.campaign();
    group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync, 1, 1_000_000);
    group.retentionPolicy(new RetentionPolicy(-1, -1, 2048, Long.MAX_VALUE)); // small segments
    group.compaction().policy(new CompactionPolicy(true, 0.0, deleteRetentionMs, 0));
    settle();
    assertThat(group.leaderCaughtUp()).isTrue();
  }

  private void onRealFiles() {
    disk = new NioDisk();
    dir = tmp;
  }

  @AfterEach
  void close() throws IOException {
    if (sync != null) {
      sync.close();
      group.close(false);
      sync = null;
    }
  }

  private void reopen(long deleteRetentionMs) throws IOException {
    close();
    open(deleteRetentionMs);
  }

  private void settle() throws IOException {
    Settle.settle(group, sync, group::apply);
  }

  /** One batch of {@code count} records for keys {@code firstKey, firstKey+1, …}; value null = tombstone. */
  private void produce(int firstKey, int count, String value, Compression compression) throws IOException {
    produce("k", firstKey, count, value, compression);
  }

  private void produce(String prefix, int firstKey, int count, String value, Compression compression)
      throws IOException {
    SimpleRecord[] records = new SimpleRecord[count];
    long base = group.logEndOffset();
    for (int i = 0; i < count; i++) {
      String key = prefix + (firstKey + i) % KEYS;
      String v = value == null ? null : value + "-" + (base + i);
      records[i] = new SimpleRecord(NOW_MS, key.getBytes(StandardCharsets.UTF_8),
          v == null ? null : v.getBytes(StandardCharsets.UTF_8));
      produced.put(base + i, new String[] {key, v});
    }
    producedBases.add(base);
    ByteBuffer payload = MemoryRecords.withRecords(compression, records).buffer();
    AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(List.of(payload)), null);
    assertThat(group.propose(admitted).isAccepted()).isTrue();
    settle();
  }

  private void produceUpdates(int batches) throws IOException {
    for (int b = 0; b < batches; b++) {
      produce(b, 1 + b % 3, "v", b % 4 == 3 ? Compression.gzip().build() : Compression.NONE);
    }
  }

  /** Checks until the leader proposes nothing more and every closed segment is clean. */
  private void compact(long nowMs) throws IOException {
    for (int round = 0; round < 10; round++) {
      group.checkCompaction(nowMs, Runnable::run);
      settle();
    }
  }

  /** What readers get from offset 0: offset -> {key, value}, plus the base offsets of the batches. */
  private Map<Long, String[]> served(List<Long> bases) throws IOException {
    Map<Long, String[]> out = new java.util.TreeMap<>();
    for (MutableRecordBatch batch : group.readIndex().read(0, Integer.MAX_VALUE, true).batches()) {
      assertThat(batch.isValid()).as("batch CRC at base=%d", batch.baseOffset()).isTrue();
      bases.add(batch.baseOffset());
      for (Record r : batch) {
        out.put(r.offset(), new String[] {StandardCharsets.UTF_8.decode(r.key()).toString(),
            r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null});
      }
    }
    return out;
  }

  /** The records a cleaning at {@code cleanEnd} with {@code tombstoneEnd} keeps, from what was produced. */
  private Map<Long, String[]> expected(long cleanEnd, long tombstoneEnd) {
    Map<String, Long> latest = new HashMap<>();
    produced.forEach((offset, kv) -> {
      if (offset < cleanEnd) {
        latest.merge(kv[0], offset, Math::max);
      }
    });
    Map<Long, String[]> out = new java.util.TreeMap<>();
    produced.forEach((offset, kv) -> {
      boolean latestBelow = offset < cleanEnd && latest.get(kv[0]).equals(offset);
      boolean expiredTombstone = kv[1] == null && offset < tombstoneEnd;
      if (offset >= cleanEnd || (latestBelow && !expiredTombstone)) {
        out.put(offset, kv);
      }
    });
    return out;
  }

  private void assertServedIsCleanedAt(CleaningMarker marker, String context) throws IOException {
    List<Long> bases = new ArrayList<>();
    Map<Long, String[]> served = served(bases);
    assertThat(served).as(context).containsExactlyEntriesOf(expected(marker.cleanEndOffset(),
        marker.tombstoneEndOffset()));
    assertThat(bases).as(context + ": every batch header stays, at its offset").isEqualTo(producedBases);
  }

  @Test
  void cleaningKeepsTheLatestRecordPerKeyAtItsOffsetEveryBatchHeaderAndSurvivesRestart() throws IOException {
    onRealFiles();
    open(DAY_MS);
    produceUpdates(120);
    long end = group.logEndOffset();
    compact(NOW_MS);
    CleaningMarker marker = group.compaction().marker();
    assertThat(marker.cleanEndOffset()).as("a cleaning point in the closed segments").isBetween(end / 2, end);
    assertThat(group.compaction().segmentsCleaned()).isPositive();
    assertThat(group.compaction().bytesReclaimed()).isPositive();
    assertServedIsCleanedAt(marker, "cleaned");
    List<Long> offsets = new ArrayList<>(served(new ArrayList<>()).keySet());
    assertThat(offsets).isSorted().hasSizeLessThan((int) end);
    assertThat(offsets.get(offsets.size() - 1)).isEqualTo(end - 1);
    assertThat(group.readIndex().read(1, Integer.MAX_VALUE, true).batches().iterator().next().baseOffset())
        .as("a fetch from an offset cleaned away gets the batch that held it").isLessThanOrEqualTo(1);

    reopen(DAY_MS);
    assertThat(group.compaction().marker()).isEqualTo(marker);
    assertServedIsCleanedAt(marker, "after restart");
    assertThat(group.logEndOffset()).isEqualTo(end);
    produce(0, 2, "after", Compression.NONE);
    assertThat(group.logEndOffset()).isEqualTo(end + 2);
  }

  @Test
  void aCleaningIsProposedOnlyOnceTheDirtyShareReachesMinCleanableDirtyRatio() throws IOException {
    onRealFiles();
    open(DAY_MS);
    group.compaction().policy(new CompactionPolicy(true, 0.9, DAY_MS, 0));
    produceUpdates(120);
    compact(NOW_MS);
    CleaningMarker first = group.compaction().marker();
    assertThat(first.cleanEndOffset()).as("a log that is all dirty is due").isPositive();

    // dirty again, but a small share of a log whose cleaned part keeps a header for every batch
    produceUpdates(30);
    compact(NOW_MS);
    assertThat(group.compaction().marker()).as("below min.cleanable.dirty.ratio: no cleaning").isEqualTo(first);

    group.compaction().policy(new CompactionPolicy(true, 0.0, DAY_MS, 0));
    compact(NOW_MS);
    assertThat(group.compaction().marker().cleanEndOffset()).as("at ratio 0 any dirty byte is due")
        .isGreaterThan(first.cleanEndOffset());
  }

  @Test
  void producerStateReplayedFromCleanedEntriesEqualsTheOriginalAndARetryOfACleanedBatchIsStillKnown()
      throws IOException {
    onRealFiles();
    open(DAY_MS);
    long producerId = 77;
    short epoch = 2;
    List<Long> bases = new ArrayList<>();
    for (int seq = 0; seq < 12; seq++) { // keys k0..k4 again and again: most of these records get cleaned away
      bases.add(group.logEndOffset());
      ByteBuffer batch = MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, seq,
          new SimpleRecord(NOW_MS, ("k" + seq % KEYS).getBytes(StandardCharsets.UTF_8),
              ("p" + seq).getBytes(StandardCharsets.UTF_8))).buffer();
      AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(List.of(batch)), null);
      assertThat(group.propose(admitted).isAccepted()).isTrue();
      settle();
    }
    produceUpdates(120); // the same keys again, so the producer's records are superseded; its batches lie in closed segments
    byte[] before = group.producerSequences().encode(Long.MAX_VALUE);
    compact(NOW_MS);
    assertThat(group.compaction().marker().cleanEndOffset()).isGreaterThan(bases.get(bases.size() - 1));
    reopen(DAY_MS); // no snapshot: the producer table is replayed from the (cleaned) log
    assertThat(group.producerSequences().encode(Long.MAX_VALUE)).isEqualTo(before);
    ProducerSequences.Check retry = group.producerSequences().check(producerId, epoch, 11, 11);
    assertThat(retry.original()).as("a retry of the last batch, whose record was cleaned away, is a duplicate")
        .isNotNull();
    assertThat(retry.original().baseOffset()).isEqualTo(bases.get(11));
    assertThat(group.producerSequences().check(producerId, epoch, 12, 12)).isSameAs(ProducerSequences.Check.APPEND);
  }

  @Test
  void tombstonesStayUntilDeleteRetentionPassedThenGoWithEveryOlderValue() throws IOException {
    onRealFiles();
    open(DAY_MS);
    produce("gone", 1, 2, "v", Compression.NONE);
    produceUpdates(40);
    produce("gone", 1, 2, null, Compression.NONE); // tombstones for gone1, gone2, never written again
    produceUpdates(80);
    produce(3, 1, "last", Compression.NONE);
    compact(NOW_MS);
    CleaningMarker first = group.compaction().marker();
    assertThat(first.tombstoneEndOffset()).isZero();
    assertServedIsCleanedAt(first, "tombstones kept");
    assertThat(served(new ArrayList<>()).values()).as("the tombstones replaced every older value of their keys")
        .filteredOn(kv -> kv[0].startsWith("gone")).extracting(kv -> kv[1]).containsExactly(null, null);

    compact(NOW_MS + 2 * DAY_MS);
    CleaningMarker later = group.compaction().marker();
    assertThat(later.tombstoneEndOffset()).as("the first cleaning point, committed a retention period ago")
        .isEqualTo(first.cleanEndOffset());
    assertServedIsCleanedAt(later, "tombstones removed");
    assertThat(served(new ArrayList<>()).values()).noneMatch(kv -> kv[0].startsWith("gone"));
  }

  @Test
  void powerCutAtEveryStepOfACleaningPassReopensToUncleanedOrCleanedSegmentsAndTheNextPassFinishes()
      throws IOException {
    SimulatedDisk original = new SimulatedDisk();
    disk = original;
    dir = Path.of("/node");
    open(DAY_MS);
    produceUpdates(60);
    // the marker is committed and applied, but no segment is cleaned yet
    group.compaction().policy(new CompactionPolicy(true, 0.0, DAY_MS, 0));
    group.checkCompaction(NOW_MS, task -> { }); // proposes; the cleaning job never runs
    settle();
    CleaningMarker marker = group.compaction().marker();
    assertThat(marker.cleanThroughIndex()).isPositive();
    Map<Long, String[]> uncleaned = new java.util.TreeMap<>(produced);
    Map<Long, String[]> cleaned = expected(marker.cleanEndOffset(), 0);
    close();
    boolean completed = false;
    for (int step = 0; !completed; step++) {
      disk = original.copy();
      open(DAY_MS);
      assertThat(group.compaction().marker()).isEqualTo(marker);
      ((SimulatedDisk) disk).cutPowerAfter(step);
      try {
        group.compaction().clean(NOW_MS, Long.MAX_VALUE, Runnable::run);
        completed = true;
      } catch (java.io.UncheckedIOException powerCut) {
        assertThat(((SimulatedDisk) disk).powerCut()).as("step=%d %s", step, powerCut).isTrue();
      }
      ((SimulatedDisk) disk).crash(CrashPolicy.random(new Random(step)));
      sync = null; // the crashed process's handles are gone with it
      open(DAY_MS);
      String context = "step=" + step;
      Map<Long, String[]> served = served(new ArrayList<>());
      served.forEach((offset, kv) -> assertThat(kv).as(context + " offset=" + offset).isEqualTo(uncleaned.get(offset)));
      assertThat(served.keySet()).as(context).containsAll(cleaned.keySet());
      group.compaction().clean(NOW_MS, Long.MAX_VALUE, Runnable::run);
      assertServedIsCleanedAt(marker, context + " after the next pass");
      close();
    }
  }
}
