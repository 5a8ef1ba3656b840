package io.chronik.broker.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Real Kafka magic-2 batches for the replication tests, built with kafka-clients. */
final class KafkaBatches {
  private KafkaBatches() {}

  static SimpleRecord[] records(int count, long timestampMs) {
    SimpleRecord[] records = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      records[i] = new SimpleRecord(timestampMs + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
          ("value-" + i).getBytes(StandardCharsets.UTF_8));
    }
    return records;
  }

  /** A batch without producer id (producerId -1). */
  static ByteBuffer plain(int count, long timestampMs, Compression compression) {
    return MemoryRecords.withRecords(compression, records(count, timestampMs)).buffer();
  }

  static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, int count) {
    return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence,
        records(count, 1_000L)).buffer();
  }

  /** Batches back to back in one buffer (one produce request's partition data). */
  static ByteBuffer concat(ByteBuffer... batches) {
    int total = 0;
    for (ByteBuffer b : batches) {
      total += b.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(total);
    for (ByteBuffer b : batches) {
      out.put(b.duplicate());
    }
    return out.flip();
  }
}
