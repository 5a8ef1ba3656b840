package io.chronik.broker.partition;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-file durable partition log (stand-in until the Raft segmented log is wired in):
 * Kafka batches are stored back to back exactly as on the wire, so the file is self-framing
 * (base offset + length header) and each batch carries its own CRC32C. An in-memory index of
 * (base offset, file position, max timestamp) per batch is rebuilt on open.
 *
 * <p>Recovery: the file is scanned from the start; the first batch that is torn, fails its CRC,
 * is not magic 2 or breaks offset contiguity ends the valid log and everything from there on is
 * truncated away (logged with position and reason). Not thread-safe: one owner thread.
 */
public final class FilePartitionLog implements PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(FilePartitionLog.class);
  static final String FILE_NAME = "00000000000000000000.log";

  private final Path dir;
  private final FileRecords file;
  private long[] baseOffsets = new long[64];
  private int[] positions = new int[64];
  private long[] maxTimestamps = new long[64];
  private int batchCount;
  private long logEndOffset;

  private FilePartitionLog(Path dir, FileRecords file) {
    this.dir = dir;
    this.file = file;
  }

  /**
   * Opens (creating if absent) the log in {@code dir}, recovering as described above; every valid
   * batch is passed to {@code recovered} in order (e.g. to rebuild producer state).
   */
  public static FilePartitionLog open(Path dir, Consumer<RecordBatch> recovered) throws IOException {
    Files.createDirectories(dir);
    File f = dir.resolve(FILE_NAME).toFile();
    FilePartitionLog log = new FilePartitionLog(dir, FileRecords.open(f));
    log.recover(recovered);
    return log;
  }

  private void recover(Consumer<RecordBatch> recovered) throws IOException {
    int validBytes = 0;
    String reason = null;
    try {
      for (FileChannelRecordBatch batch : file.batches()) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
          reason = "magic=" + batch.magic();
          break;
        }
        if (batchCount > 0 && batch.baseOffset() != logEndOffset) {
          reason = "offset-gap expected=" + logEndOffset + " found=" + batch.baseOffset();
          break;
        }
        if (!batch.isValid()) {
          reason = "crc-mismatch";
          break;
        }
        index(batch.baseOffset(), batch.position(), batch.maxTimestamp());
        logEndOffset = batch.nextOffset();
        validBytes = batch.position() + batch.sizeInBytes();
        recovered.accept(batch);
      }
    } catch (RuntimeException e) {
      reason = "unreadable-batch " + e.getMessage();
    }
    int size = file.sizeInBytes();
    if (validBytes < size) {
      LOG.warn("log={} position={} droppedBytes={} reason={}", dir, validBytes, size - validBytes,
          reason == null ? "torn-tail" : reason);
      file.truncateTo(validBytes);
      file.flush();
    }
  }

  private void index(long baseOffset, int position, long maxTimestamp) {
    if (batchCount == baseOffsets.length) {
      int n = batchCount * 2;
      baseOffsets = Arrays.copyOf(baseOffsets, n);
      positions = Arrays.copyOf(positions, n);
      maxTimestamps = Arrays.copyOf(maxTimestamps, n);
    }
    baseOffsets[batchCount] = baseOffset;
    positions[batchCount] = position;
    maxTimestamps[batchCount] = maxTimestamp;
    batchCount++;
  }

  @Override
  public long logStartOffset() {
    return 0;
  }

  @Override
  public long logEndOffset() {
    return logEndOffset;
  }

  @Override
  public void append(MemoryRecords batches) throws IOException {
    int position = file.sizeInBytes();
    long expected = logEndOffset;
    for (RecordBatch batch : batches.batches()) {
      if (batch.baseOffset() != expected) {
        throw new IllegalArgumentException("log=" + dir + " expectedOffset=" + expected
            + " batchOffset=" + batch.baseOffset() + " reason=non-contiguous-append");
      }
      expected = batch.nextOffset();
    }
    file.append(batches);
    for (RecordBatch batch : batches.batches()) {
      index(batch.baseOffset(), position, batch.maxTimestamp());
      position += batch.sizeInBytes();
    }
    logEndOffset = expected;
  }

  @Override
  public void flush() throws IOException {
    file.flush();
  }

  /** Index of the batch containing {@code offset}; -1 if none. */
  private int batchIndexFor(long offset) {
    if (offset < 0 || offset >= logEndOffset || batchCount == 0) {
      return -1;
    }
    int i = Arrays.binarySearch(baseOffsets, 0, batchCount, offset);
    return i >= 0 ? i : -i - 2;
  }

  @Override
  public MemoryRecords read(long offset, int bytesMax, boolean firstBatchAlways) throws IOException {
    int first = batchIndexFor(offset);
    if (first < 0) {
      return MemoryRecords.EMPTY;
    }
    int start = positions[first];
    int end = start;
    for (int i = first; i < batchCount; i++) {
      int batchEnd = i + 1 < batchCount ? positions[i + 1] : file.sizeInBytes();
      if (batchEnd - start > bytesMax && !(i == first && firstBatchAlways)) {
        break;
      }
      end = batchEnd;
    }
    if (end == start) {
      return MemoryRecords.EMPTY;
    }
    ByteBuffer buffer = ByteBuffer.allocate(end - start);
    file.readInto(buffer, start);
    return MemoryRecords.readableRecords(buffer);
  }

  @Override
  public long bytesAfter(long offset) {
    int first = batchIndexFor(offset);
    return first < 0 ? 0 : file.sizeInBytes() - positions[first];
  }

  @Override
  public long batchOffsetForTimestamp(long timestampMs) {
    for (int i = 0; i < batchCount; i++) {
      if (maxTimestamps[i] >= timestampMs) {
        return baseOffsets[i];
      }
    }
    return -1;
  }

  @Override
  public long batchOffsetOfMaxTimestamp() {
    int best = -1;
    for (int i = 0; i < batchCount; i++) {
      if (best < 0 || maxTimestamps[i] > maxTimestamps[best]) {
        best = i;
      }
    }
    return best < 0 ? -1 : baseOffsets[best];
  }

  @Override
  public long sizeInBytes() {
    return file.sizeInBytes();
  }

  @Override
  public void close() throws IOException {
    file.flush();
    file.close();
  }

  /** Fsyncs a directory so that file creations/renames in it are durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
