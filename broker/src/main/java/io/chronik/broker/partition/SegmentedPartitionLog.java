package io.chronik.broker.partition;

import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition log on the Raft storage's {@link SegmentedLog}: one Kafka record batch per log entry,
 * the entry's key is the batch's base offset (the storage's secondary index), its term is the
 * leader epoch. Entry {@code firstIndex + i} holds batch {@code i}. An in-memory table of
 * (base offset, cumulative bytes, max timestamp) per batch, rebuilt on open, answers
 * min-bytes and timestamp questions without touching disk. Not thread-safe: one owner thread.
 */
public final class SegmentedPartitionLog implements PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentedPartitionLog.class);
  private static final int KIND_KAFKA_BATCH = 1;

  private final SegmentedLog log;
  private final int leaderEpoch;
  private long[] baseOffsets = new long[64];
  /** Payload bytes of batches [0, i] (inclusive prefix sums). */
  private long[] bytesThrough = new long[64];
  private long[] maxTimestamps = new long[64];
  private int batchCount;
  private long logStartOffset;
  private long logEndOffset;

  private SegmentedPartitionLog(SegmentedLog log, int leaderEpoch) {
    this.log = log;
    this.leaderEpoch = leaderEpoch;
  }

  /** Opens and recovers the log in {@code dir}; each valid batch goes to {@code recovered} in order. */
  public static SegmentedPartitionLog open(Path dir, LogConfig config, int leaderEpoch,
      Consumer<RecordBatch> recovered) throws IOException {
    SegmentedLog log = SegmentedLog.open(new NioDisk(), dir, config, 0, false);
    if (log.recoveryReport().droppedAnything()) {
      LOG.warn("log={} recovery={}", dir, log.recoveryReport());
    }
    SegmentedPartitionLog p = new SegmentedPartitionLog(log, leaderEpoch);
    p.replay(recovered);
    return p;
  }

  private void replay(Consumer<RecordBatch> recovered) throws IOException {
    long index = log.firstIndex();
    boolean first = true;
    while (index <= log.lastIndex()) {
      List<LogEntry> entries = log.read(index, log.lastIndex() + 1, 8L << 20);
      for (LogEntry e : entries) {
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(e.payload()));
        for (MutableRecordBatch batch : records.batches()) {
          if (first) {
            logStartOffset = batch.baseOffset();
            first = false;
          }
          index(batch.baseOffset(), e.payload().length, batch.maxTimestamp());
          logEndOffset = batch.nextOffset();
          recovered.accept(batch);
        }
        index = e.index() + 1;
      }
    }
  }

  private void index(long baseOffset, int bytes, long maxTimestamp) {
    if (batchCount == baseOffsets.length) {
      int n = batchCount * 2;
      baseOffsets = Arrays.copyOf(baseOffsets, n);
      bytesThrough = Arrays.copyOf(bytesThrough, n);
      maxTimestamps = Arrays.copyOf(maxTimestamps, n);
    }
    baseOffsets[batchCount] = baseOffset;
    bytesThrough[batchCount] = (batchCount == 0 ? 0 : bytesThrough[batchCount - 1]) + bytes;
    maxTimestamps[batchCount] = maxTimestamp;
    batchCount++;
  }

  @Override
  public long logStartOffset() {
    return logStartOffset;
  }

  @Override
  public long logEndOffset() {
    return logEndOffset;
  }

  @Override
  public void append(MemoryRecords batches) throws IOException {
    long expected = logEndOffset;
    for (MutableRecordBatch batch : batches.batches()) {
      if (batch.baseOffset() != expected) {
        throw new IllegalArgumentException("expectedOffset=" + expected + " batchOffset="
            + batch.baseOffset() + " reason=non-contiguous-append");
      }
      expected = batch.nextOffset();
    }
    ByteBuffer all = batches.buffer();
    int position = all.position();
    for (MutableRecordBatch batch : batches.batches()) {
      ByteBuffer one = all.duplicate();
      one.position(position).limit(position + batch.sizeInBytes());
      log.append(log.lastIndex() + 1, leaderEpoch, batch.baseOffset(), KIND_KAFKA_BATCH, one);
      index(batch.baseOffset(), batch.sizeInBytes(), batch.maxTimestamp());
      position += batch.sizeInBytes();
    }
    logEndOffset = expected;
  }

  @Override
  public void flush() throws IOException {
    log.sync();
  }

  private int batchFor(long offset) {
    if (offset < logStartOffset || offset >= logEndOffset || batchCount == 0) {
      return -1;
    }
    int i = Arrays.binarySearch(baseOffsets, 0, batchCount, offset);
    return i >= 0 ? i : -i - 2;
  }

  @Override
  public MemoryRecords read(long offset, int bytesMax, boolean firstBatchAlways) throws IOException {
    int first = batchFor(offset);
    if (first < 0) {
      return MemoryRecords.EMPTY;
    }
    long before = first == 0 ? 0 : bytesThrough[first - 1];
    if (!firstBatchAlways && bytesThrough[first] - before > bytesMax) {
      return MemoryRecords.EMPTY;
    }
    long firstIndex = log.firstIndex() + first;
    List<LogEntry> entries = log.read(firstIndex, log.lastIndex() + 1, bytesMax);
    int total = 0;
    for (LogEntry e : entries) {
      total += e.payload().length;
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    for (LogEntry e : entries) {
      out.put(e.payload());
    }
    out.flip();
    return MemoryRecords.readableRecords(out);
  }

  @Override
  public long bytesAfter(long offset) {
    int first = batchFor(offset);
    return first < 0 ? 0 : bytesThrough[batchCount - 1] - (first == 0 ? 0 : bytesThrough[first - 1]);
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
    return batchCount == 0 ? 0 : bytesThrough[batchCount - 1];
  }

  @Override
  public void close() throws IOException {
    log.sync();
    log.close();
  }
}
