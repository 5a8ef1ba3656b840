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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read index a clean close stores ({@link PartitionIndexFile}) loads at the next open after a clean shutdown
 * as the same index the rebuild from the log gives (every slot, every byte served), after snapshots, retention and
 * key compaction moved the log; and every open that must not trust it (no clean shutdown, a damaged file, one
 * disagreeing with the snapshot or the segments) rebuilds instead.
 */
class PartitionIndexFileTest {
  private static final long NOW_MS = 1_700_000_000_000L;
  private static final long DAY_MS = 86_400_000L;
  private static final int ENTRIES_AT = 32;
  private static final int ENTRY_BYTES = 52;

  @TempDir
  Path tmp;
  private final NioDisk disk = new NioDisk();
  private NodeStorageSync sync;
  private PartitionGroup group;

  /** Opens the single-replica partition in {@code dir}, as after a clean-shutdown record when {@code clean}. */
  private void construct(Path dir, boolean clean) throws IOException {
    sync = new NodeStorageSync(1, HardStateJournal.open(disk, dir));
    DurableLogStorage storage = DurableLogStorage.open(disk, dir.resolve("p0"),
        new LogConfig(1 << 20, 256, 64 << 10, false).withCleanShutdown(clean),
        e -> e.payload().length >= BatchHeaders.HEADER_BYTES ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload()))
            : LogEntry.NO_KEY, false, sync.journal().slot("p0"));
    RaftNode node = new RaftNode(1, storage, Configuration.of(List.of(1)),
        RaftOptions.defaults().toBuilder().electionTicks(15).heartbeatTicks(3).build(), new SplittableRandom(1));
    group = new PartitionGroup(0, new TopicPartition("t", 0), node, storage, sync, 1, 15);
  }

  private void start() throws IOException {
    group.retentionPolicy(new RetentionPolicy(-1, 12_000, 2048, Long.MAX_VALUE));
    group.compaction().policy(new CompactionPolicy(true, 0.0, DAY_MS, 0));
    group.raftNode().campaign();
    settle();
    assertThat(group.leaderCaughtUp()).isTrue();
  }

  private void close(boolean clean) throws IOException {
    if (sync != null) {
      sync.close();
      group.close(clean);
      sync = null;
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    close(false);
  }

  private void settle() throws IOException {
    Settle.settle(group, sync, group::apply);
  }

  private void produce(int firstKey, int count) throws IOException {
    SimpleRecord[] records = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      records[i] = new SimpleRecord(NOW_MS + firstKey + i, ("k" + (firstKey + i) % 7).getBytes(StandardCharsets.UTF_8),
          ("v" + group.logEndOffset() + i).getBytes(StandardCharsets.UTF_8));
    }
    Compression compression = firstKey % 4 == 3 ? Compression.gzip().build() : Compression.NONE;
    ByteBuffer payload = MemoryRecords.withRecords(compression, records).buffer();
    AppendBatchView admitted = group.admit(new PartitionGroupTruncationTest.Fire(List.of(payload)), null);
    assertThat(group.propose(admitted).isAccepted()).isTrue();
    settle();
  }

  /**
   * A log over many segments with snapshots, compacted, trimmed by retention, compacted again (segments
   * rewritten after the trim), and a tail after the last snapshot; then closed cleanly.
   */
  private Path writeLogAndCloseCleanly() throws IOException {
    Path dir = tmp.resolve("node");
    construct(dir, false);
    start();
    for (int b = 0; b < 120; b++) {
      produce(b, 1 + b % 3);
    }
    compact();
    for (int round = 0; round < 12; round++) {
      group.checkRetention(System.currentTimeMillis());
      settle();
      produce(round, 2);
    }
    assertThat(group.logStartOffset()).as("retention raised the log start").isPositive();
    assertThat(group.firstIndex()).as("retention deleted segments").isGreaterThan(1);
    for (int b = 0; b < 60; b++) {
      produce(b, 2);
    }
    compact();
    assertThat(group.compaction().segmentsCleaned()).isPositive();
    produce(1, 1); // after the last snapshot: applied again at the open, not in the file
    close(true);
    assertThat(indexFile(dir)).exists();
    return dir;
  }

  private void compact() throws IOException {
    for (int round = 0; round < 10; round++) {
      group.checkCompaction(NOW_MS, Runnable::run);
      settle();
    }
  }

  private static Path indexFile(Path dir) {
    return dir.resolve("p0").resolve(PartitionIndexFile.FILE);
  }

  private static Path copy(Path dir, String name) throws IOException {
    Path to = dir.resolveSibling(name);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  /** What a partition's readers see: the slots holding offsets at or above the log start, and their bytes. */
  private record Seen(List<List<Long>> slots, List<ByteBuffer> bytes, long highWatermark, long logStart,
      long logEnd) {}

  private Seen seen() throws IOException {
    PartitionReadIndex index = group.readIndex();
    PartitionReadIndex.View v = index.view();
    List<List<Long>> slots = new ArrayList<>();
    List<ByteBuffer> bytes = new ArrayList<>();
    for (int i = 0; i < v.count(); i++) {
      int at = i * PartitionReadIndex.STRIDE;
      long[] s = v.slots();
      if (s[at + PartitionReadIndex.NEXT] <= group.logStartOffset()) {
        continue; // never served; the rebuild publishes them until the first apply trims them
      }
      slots.add(List.of(s[at + PartitionReadIndex.BASE], s[at + PartitionReadIndex.NEXT],
          s[at + PartitionReadIndex.TERM], s[at + PartitionReadIndex.MAX_TIMESTAMP],
          s[at + PartitionReadIndex.POSITION], s[at + PartitionReadIndex.LENGTH]));
      bytes.add(index.read(s[at + PartitionReadIndex.BASE], 1, true).buffer());
    }
    return new Seen(slots, bytes, index.highWatermark(), group.logStartOffset(), group.logEndOffset());
  }

  /** Opens a copy of {@code dir}: what readers see right after the open and once the tail is applied again. */
  private Seen[] openCopy(Path dir, String name, boolean clean, boolean expectFromFile) throws IOException {
    Path copy = copy(dir, name);
    construct(copy, clean);
    assertThat(group.indexFromFile()).as(name + ": index from file").isEqualTo(expectFromFile);
    assertThat(indexFile(copy)).as(name + ": deleted at every open").doesNotExist();
    Seen atOpen = seen();
    start();
    Seen applied = seen();
    close(false);
    return new Seen[] {atOpen, applied};
  }

  @Test
  void loadedIndexEqualsTheRebuiltOneAfterSnapshotsRetentionAndCompaction() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    Seen[] loaded = openCopy(dir, "loaded", true, true);
    Seen[] rebuilt = openCopy(dir, "rebuilt", false, false);
    assertThat(loaded[0].slots()).as("a log over many segments").hasSizeGreaterThan(50);
    for (int k = 0; k < 2; k++) {
      assertThat(loaded[k].slots()).as("every slot").isEqualTo(rebuilt[k].slots());
      assertThat(loaded[k].bytes()).as("every batch served").isEqualTo(rebuilt[k].bytes());
      assertThat(loaded[k]).as("high watermark, log start, log end").isEqualTo(rebuilt[k]);
    }
    // appliedNextOffset agrees: the next produce gets the same offset in both
    assertThat(loaded[1].logEnd()).isEqualTo(rebuilt[1].logEnd());
  }

  @Test
  void withoutACleanShutdownRecordTheFileIsNotTrusted() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    int middle = entryCount(dir) / 2; // the first and last entries are also checked against the log by key
    damage(dir, ENTRIES_AT + middle * ENTRY_BYTES + 8, 1); // a wrong region, valid CRC: loaded if trusted at all
    Seen[] crashed = openCopy(dir, "crashed", false, false);
    Seen[] rebuilt = openCopy(dir, "rebuilt", false, false);
    assertThat(crashed[0]).isEqualTo(rebuilt[0]);
  }

  @Test
  void aDamagedFileIsRebuilt() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    byte[] raw = Files.readAllBytes(indexFile(dir));
    raw[raw.length / 2] ^= 0x10;
    Files.write(indexFile(dir), raw);
    Seen[] damaged = openCopy(dir, "damaged", true, false);
    Seen[] rebuilt = openCopy(dir, "rebuilt", false, false);
    assertThat(damaged[0]).isEqualTo(rebuilt[0]);
  }

  @Test
  void aFileOfAnotherSnapshotIsRebuilt() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    damage(dir, 4, 1); // the snapshot index it was written against; offsets still end at the snapshot's
    openCopy(dir, "other-snapshot", true, false);
  }

  @Test
  void aFileWhoseEntryLiesOutsideTheSegmentsIsRebuilt() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    int middle = entryCount(dir) / 2; // first and last are also checked against the log by key
    damage(dir, ENTRIES_AT + middle * ENTRY_BYTES, 1_000_000); // a segment base the log has not
    openCopy(dir, "no-such-segment", true, false);
    Path again = writeLogAgain(dir);
    damage(again, ENTRIES_AT + middle * ENTRY_BYTES + 8, 1 << 20); // a region past its segment's end
    openCopy(again, "past-segment-end", true, false);
  }

  @Test
  void aFileWhoseFirstEntryIsNotWhereTheLogHasItIsRebuilt() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    damage(dir, ENTRIES_AT + 8, 1); // inside its segment, yet not the region the log's entry keyed by it has
    openCopy(dir, "first-entry-moved", true, false);
  }

  @Test
  void aFileMissingEntriesReadableFromTheLogStartIsRebuilt() throws IOException {
    Path dir = writeLogAndCloseCleanly();
    ByteBuffer body = readBody(dir);
    int count = body.getInt(28);
    ByteBuffer shorter = ByteBuffer.allocate(body.capacity() - ENTRY_BYTES);
    shorter.put(body.duplicate().clear().limit(ENTRIES_AT)).putInt(28, count - 1);
    shorter.put(body.duplicate().clear().position(ENTRIES_AT + ENTRY_BYTES)); // without the first entry
    rewrite(dir, shorter.flip());
    openCopy(dir, "first-entry-dropped", true, false);
  }

  private Path writeLogAgain(Path dir) throws IOException {
    Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    return writeLogAndCloseCleanly();
  }

  private int entryCount(Path dir) throws IOException {
    return readBody(dir).getInt(28);
  }

  private ByteBuffer readBody(Path dir) throws IOException {
    byte[] raw = Files.readAllBytes(indexFile(dir));
    return ByteBuffer.wrap(raw, 8, raw.length - 12).slice();
  }

  /** Adds {@code delta} to the long at {@code at} of the body and rewrites the file with a valid CRC. */
  private void damage(Path dir, int at, long delta) throws IOException {
    ByteBuffer body = readBody(dir);
    body.putLong(at, body.getLong(at) + delta);
    rewrite(dir, body.duplicate().clear());
  }

  /** Replaces the file by one holding {@code body}, with a valid CRC. */
  private static void rewrite(Path dir, ByteBuffer body) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(12 + body.remaining());
    content.putInt(PartitionIndexFile.MAGIC).putInt(body.remaining()).put(body.duplicate());
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(content.array(), 0, content.position());
    content.putInt((int) crc.getValue());
    Files.write(indexFile(dir), content.array());
  }
}
