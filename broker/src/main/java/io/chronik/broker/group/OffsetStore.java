package io.chronik.broker.group;

import io.chronik.broker.partition.PartitionLog;
import io.chronik.broker.partition.SegmentedPartitionLog;
import io.chronik.raft.storage.LogConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Committed group offsets, durable before OffsetCommit is answered. Each commit request is one
 * Kafka record batch (so it is atomic and CRC-protected) in an internal log, like Kafka's
 * {@code __consumer_offsets}; the latest value per (group, topic, partition) wins when the log is
 * replayed on open. The log is not compacted yet, so it grows with every commit.
 */
public final class OffsetStore {
  /** A committed offset. */
  public record Committed(long offset, int leaderEpoch, String metadata) {}

  private final PartitionLog log;
  private final Map<String, Map<TopicPartition, Committed>> byGroup = new HashMap<>();

  public OffsetStore(Path dir, LogConfig config) throws IOException {
    this.log = SegmentedPartitionLog.open(dir, config, 0, this::replay);
  }

  private void replay(RecordBatch batch) {
    for (Record r : batch) {
      ByteBuffer k = r.key();
      ByteBuffer v = r.value();
      String group = readString(k);
      TopicPartition tp = new TopicPartition(readString(k), k.getInt());
      long offset = v.getLong();
      int epoch = v.getInt();
      String metadata = v.get() == 1 ? readString(v) : null;
      byGroup.computeIfAbsent(group, g -> new TreeMap<>(
          (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition())
              : a.topic().compareTo(b.topic())))
          .put(tp, new Committed(offset, epoch, metadata));
    }
  }

  /** Durably records all of {@code offsets} for {@code group} as one atomic batch. */
  public void commit(String group, Map<TopicPartition, Committed> offsets) throws IOException {
    if (offsets.isEmpty()) {
      return;
    }
    SimpleRecord[] records = new SimpleRecord[offsets.size()];
    int i = 0;
    for (Map.Entry<TopicPartition, Committed> e : offsets.entrySet()) {
      byte[] g = group.getBytes(StandardCharsets.UTF_8);
      byte[] t = e.getKey().topic().getBytes(StandardCharsets.UTF_8);
      ByteBuffer key = ByteBuffer.allocate(12 + g.length + t.length);
      key.putInt(g.length).put(g).putInt(t.length).put(t).putInt(e.getKey().partition()).flip();
      Committed c = e.getValue();
      byte[] m = c.metadata() == null ? new byte[0] : c.metadata().getBytes(StandardCharsets.UTF_8);
      ByteBuffer value = ByteBuffer.allocate(17 + m.length);
      value.putLong(c.offset()).putInt(c.leaderEpoch()).put((byte) (c.metadata() == null ? 0 : 1))
          .putInt(m.length).put(m).flip();
      records[i++] = new SimpleRecord(System.currentTimeMillis(), key, value);
    }
    MemoryRecords batch = MemoryRecords.withRecords(log.logEndOffset(), Compression.NONE, records);
    log.append(batch);
    log.flush();
    for (RecordBatch b : batch.batches()) {
      replay(b);
    }
  }

  /** Committed offsets of {@code group} (empty map if none), ordered by topic and partition. */
  public Map<TopicPartition, Committed> committed(String group) {
    return byGroup.getOrDefault(group, Map.of());
  }

  public List<String> groupIds() {
    return List.copyOf(byGroup.keySet());
  }

  private static String readString(ByteBuffer b) {
    byte[] bytes = new byte[b.getInt()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public void close() throws IOException {
    log.close();
  }
}
