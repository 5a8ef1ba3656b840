package io.chronik.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.chronik.raft.storage.LogConfig;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);
  private static final LogConfig CONFIG = new LogConfig(1 << 20, 4096, 64 << 10, false);
  @TempDir
  Path dir;

  private static MemoryRecords idempotent(long pid, int firstSeq, String... values) {
    SimpleRecord[] recs = new SimpleRecord[values.length];
    for (int i = 0; i < values.length; i++) {
      recs[i] = new SimpleRecord(1000L + i, null, values[i].getBytes());
    }
    return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, firstSeq, recs);
  }

  private static List<String> values(MemoryRecords records) {
    List<String> out = new ArrayList<>();
    for (RecordBatch b : records.batches()) {
      for (Record r : b) {
        byte[] v = new byte[r.valueSize()];
        r.value().get(v);
        out.add(new String(v));
      }
    }
    return out;
  }

  @Test
  void retriedIdempotentBatchIsNotAppendedTwiceEvenAfterReopen() throws Exception {
    Partition p = Partition.open(TP, dir, CONFIG);
    assertThat(p.append(idempotent(5, 0, "a", "b"), 1 << 20, true).baseOffset()).isZero();
    assertThat(p.append(idempotent(5, 2, "c"), 1 << 20, true).baseOffset()).isEqualTo(2);
    Partition.AppendResult retry = p.append(idempotent(5, 0, "a", "b"), 1 << 20, true);
    assertThat(retry.error()).isEqualTo(Errors.NONE);
    assertThat(retry.baseOffset()).isZero();
    assertThat(p.log().logEndOffset()).isEqualTo(3);
    p.close();

    Partition reopened = Partition.open(TP, dir, CONFIG);
    assertThat(reopened.append(idempotent(5, 2, "c"), 1 << 20, true).baseOffset()).isEqualTo(2);
    assertThat(reopened.log().logEndOffset()).isEqualTo(3);
    assertThat(values(reopened.log().read(0, 1 << 20, true))).containsExactly("a", "b", "c");
    reopened.close();
  }

  @Test
  void corruptBatchIsRejectedWithCorruptMessage() throws Exception {
    Partition p = Partition.open(TP, dir, CONFIG);
    MemoryRecords records = idempotent(1, 0, "hello");
    ByteBuffer buf = records.buffer();
    buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 0x40));
    assertThat(p.append(records, 1 << 20, true).error()).isEqualTo(Errors.CORRUPT_MESSAGE);
    assertThat(p.append(idempotent(2, 0, "x".repeat(200)), 100, true).error()).isEqualTo(Errors.MESSAGE_TOO_LARGE);
    assertThat(p.log().logEndOffset()).isZero();
    p.close();
  }

  @Test
  void tornAndCorruptTailsAreTruncatedOnOpen() throws Exception {
    Partition p = Partition.open(TP, dir, CONFIG);
    p.append(MemoryRecords.withRecords(Compression.gzip().build(), new SimpleRecord("one".getBytes())), 1 << 20, true);
    p.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("two".getBytes())), 1 << 20, true);
    p.close();
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).findFirst().orElseThrow();
    }
    long size = Files.size(file);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(size - 1);
      int last = f.read();
      f.seek(size - 1);
      f.write(last ^ 0xff);
    }
    Partition reopened = Partition.open(TP, dir, CONFIG);
    assertThat(reopened.log().logEndOffset()).isEqualTo(1);
    assertThat(values(reopened.log().read(0, 1 << 20, true))).containsExactly("one");
    reopened.close();
    long truncated = Files.size(file);
    assertThat(truncated).isLessThan(size);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(truncated - 3);
    }
    Partition torn = Partition.open(TP, dir, CONFIG);
    assertThat(torn.log().logEndOffset()).isZero();
    torn.close();
  }

  @Test
  void readReturnsWholeBatchesWithinLimitButAlwaysTheFirst() throws Exception {
    Partition p = Partition.open(TP, dir, CONFIG);
    for (int i = 0; i < 5; i++) {
      p.append(MemoryRecords.withRecords(Compression.NONE,
          new SimpleRecord(1000L + i, null, ("v" + i).repeat(20).getBytes())), 1 << 20, false);
    }
    int one = p.log().read(0, 1, true).sizeInBytes();
    assertThat(p.log().read(0, 1, false).sizeInBytes()).isZero();
    assertThat(p.log().read(0, one * 2 + 1, false).sizeInBytes()).isEqualTo(one * 2);
    assertThat(values(p.log().read(3, 1 << 20, false))).hasSize(2);
    assertThat(p.offsetForTimestamp(1002)).containsExactly(2, 1002);
    assertThat(p.offsetForTimestamp(5000)).isNull();
    assertThat(p.offsetOfMaxTimestamp()).containsExactly(4, 1004);
    p.close();
  }
}
