package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionReadIndexTest {
  @TempDir
  Path dir;
  private FileChannel channel;
  private long filePosition;
  private final PartitionReadIndex index = new PartitionReadIndex();
  private final List<Integer> lengths = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    channel = FileChannel.open(dir.resolve("segment"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  @AfterEach
  void close() throws IOException {
    channel.close();
  }

  /** Writes a batch of {@code records} at {@code baseOffset} to the file and publishes it. */
  private void append(long baseOffset, int records, long term, long timestampMs) throws IOException {
    ByteBuffer payload = KafkaBatches.plain(records, timestampMs, Compression.NONE);
    long next = BatchHeaders.assign(payload, baseOffset, (int) term);
    int length = payload.remaining();
    long position = filePosition;
    while (payload.hasRemaining()) {
      channel.write(payload, position + (length - payload.remaining()));
    }
    filePosition += length;
    lengths.add(length);
    index.add(baseOffset, next, term, BatchHeaders.maxTimestamp(payload.rewind()), channel, position, length);
  }

  /** Entries: [0,3) term 1, [3,5) term 1, [5,9) term 3, [9,10) term 4. */
  private void fourEntries() throws IOException {
    append(0, 3, 1, 1_000);
    append(3, 2, 1, 2_000);
    append(5, 4, 3, 3_000);
    append(9, 1, 4, 500);
  }

  private static List<Long> baseOffsets(MemoryRecords records) {
    List<Long> out = new ArrayList<>();
    for (MutableRecordBatch b : records.batches()) {
      assertThat(b.isValid()).isTrue();
      out.add(b.baseOffset());
    }
    return out;
  }

  @Test
  void readReturnsWholeEntriesWithinTheByteLimit() throws IOException {
    fourEntries();

    assertThat(baseOffsets(index.read(0, Integer.MAX_VALUE, false))).containsExactly(0L, 3L, 5L, 9L);
    assertThat(baseOffsets(index.read(0, lengths.get(0) + lengths.get(1), false))).containsExactly(0L, 3L);
    assertThat(baseOffsets(index.read(0, lengths.get(0) + lengths.get(1) + 1, false))).containsExactly(0L, 3L);
    assertThat(baseOffsets(index.read(3, lengths.get(1) + lengths.get(2) - 1, false))).containsExactly(3L);
  }

  @Test
  void firstEntryIsReturnedWholeWhenFirstAlwaysEvenOverTheLimit() throws IOException {
    fourEntries();

    assertThat(baseOffsets(index.read(5, 1, true))).containsExactly(5L);
    assertThat(index.read(5, 1, false).sizeInBytes()).isZero();
  }

  @Test
  void offsetInsideAnEntryReturnsThatWholeEntry() throws IOException {
    fourEntries();

    assertThat(baseOffsets(index.read(7, Integer.MAX_VALUE, false))).containsExactly(5L, 9L);
    assertThat(baseOffsets(index.read(4, 1, true))).containsExactly(3L);
  }

  @Test
  void readAtOrAfterTheHighWatermarkIsEmpty() throws IOException {
    fourEntries();

    assertThat(index.highWatermark()).isEqualTo(10);
    assertThat(index.read(10, Integer.MAX_VALUE, true).sizeInBytes()).isZero();
    assertThat(index.read(11, Integer.MAX_VALUE, true).sizeInBytes()).isZero();
    assertThat(new PartitionReadIndex().read(0, Integer.MAX_VALUE, true).sizeInBytes()).isZero();
  }

  @Test
  void bytesAfterCountsFromTheEntryHoldingTheOffset() throws IOException {
    fourEntries();
    int total = lengths.stream().mapToInt(Integer::intValue).sum();

    assertThat(index.bytesAfter(0)).isEqualTo(total);
    assertThat(index.bytesAfter(6)).isEqualTo(lengths.get(2) + lengths.get(3));
    assertThat(index.bytesAfter(10)).isZero();
    assertThat(index.sizeBytes()).isEqualTo(total);
  }

  @Test
  void epochEndIsTheLargestEpochAtMostTheRequestedAndTheNextEpochsStart() throws IOException {
    fourEntries();

    assertThat(index.epochEnd(1)).containsExactly(1, 5);
    assertThat(index.epochEnd(2)).containsExactly(1, 5);
    assertThat(index.epochEnd(3)).containsExactly(3, 9);
    assertThat(index.epochEnd(4)).containsExactly(4, 10);
    assertThat(index.epochEnd(99)).containsExactly(4, 10);
    assertThat(index.epochEnd(0)).containsExactly(-1, -1);
    assertThat(new PartitionReadIndex().epochEnd(5)).containsExactly(-1, -1);
  }

  @Test
  void entryOffsetForTimestampIsTheFirstEntryReachingIt() throws IOException {
    fourEntries(); // max timestamps 1002, 2001, 3003, 500

    assertThat(index.entryOffsetForTimestamp(0)).isEqualTo(0);
    assertThat(index.entryOffsetForTimestamp(1_002)).isEqualTo(0);
    assertThat(index.entryOffsetForTimestamp(1_003)).isEqualTo(3);
    assertThat(index.entryOffsetForTimestamp(2_500)).isEqualTo(5);
    assertThat(index.entryOffsetForTimestamp(3_004)).isEqualTo(-1);
    assertThat(index.entryOffsetOfMaxTimestamp()).isEqualTo(5);
  }

  /** One writer grows the index past several array doublings while readers read whole entries. */
  @Test
  void concurrentReadersNeverSeeATornEntry() throws Exception {
    int entries = 20_000;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch writerDone = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader = new Thread(() -> {
        SplittableRandomHolder random = new SplittableRandomHolder(r0(readers.size()));
        try {
          while (writerDone.getCount() > 0 || random.reads < 200) {
            long hw = index.highWatermark();
            if (hw == 0) {
              continue;
            }
            long offset = random.next(hw);
            MemoryRecords records = index.read(offset, 4096, true);
            long expected = -1;
            for (MutableRecordBatch b : records.batches()) {
              if (!b.isValid()) {
                throw new AssertionError("offset=" + offset + " reason=torn-batch");
              }
              if (expected >= 0 && b.baseOffset() != expected) {
                throw new AssertionError("offset=" + offset + " base=" + b.baseOffset() + " reason=gap");
              }
              expected = b.nextOffset();
            }
            if (records.sizeInBytes() == 0 || records.batches().iterator().next().baseOffset() > offset) {
              throw new AssertionError("offset=" + offset + " hw=" + hw + " reason=missing-first-entry");
            }
            long[] end = index.epochEnd((int) (offset % 7));
            if (end[0] > offset % 7) {
              throw new AssertionError("reason=epoch-above-requested");
            }
            random.reads++;
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      });
      readers.add(reader);
      reader.start();
    }
    long offset = 0;
    for (int i = 0; i < entries; i++) {
      int records = 1 + i % 3;
      append(offset, records, i / 1000 + 1, i);
      offset += records;
    }
    writerDone.countDown();
    for (Thread reader : readers) {
      reader.join(10_000);
      assertThat(reader.isAlive()).isFalse();
    }
    if (failure.get() != null) {
      throw new AssertionError("reader failed", failure.get());
    }
    assertThat(index.highWatermark()).isEqualTo(offset);
    assertThat(baseOffsets(index.read(0, Integer.MAX_VALUE, false))).hasSize(entries);
  }

  private static long r0(int n) {
    return 31L * n + 7;
  }

  /** Per-reader random offsets and a read count. */
  private static final class SplittableRandomHolder {
    private final java.util.SplittableRandom random;
    int reads;

    SplittableRandomHolder(long seed) {
      random = new java.util.SplittableRandom(seed);
    }

    /** Half the reads aim at the newest entry, where a reader races the writer's publication. */
    long next(long bound) {
      return random.nextBoolean() ? bound - 1 : random.nextLong(bound);
    }
  }

  @Test
  void offsetAfterBytesEndsAtTheLastWholeBatchAFetchServed() throws IOException {
    fourEntries();
    long second = index.readRegions(4, lengths.get(1) + lengths.get(2), false).sizeInBytes();
    assertThat(second).isEqualTo(lengths.get(1) + lengths.get(2));
    // from offset 4 (inside [3,5)) through [5,9): the records 4..8 reach the client
    assertThat(index.offsetAfterBytes(4, second) - 4).isEqualTo(5);
    assertThat(index.offsetAfterBytes(0, index.readRegions(0, Integer.MAX_VALUE, false).sizeInBytes())).isEqualTo(10);
    assertThat(index.offsetAfterBytes(10, 0)).as("at the high watermark nothing is served").isEqualTo(10);
  }
}
