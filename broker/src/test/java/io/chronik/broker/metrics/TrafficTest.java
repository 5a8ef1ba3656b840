package io.chronik.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class TrafficTest {

  private static ByteBuffer batch(int count, Compression compression) {
    SimpleRecord[] records = new SimpleRecord[count];
    for (int i = 0; i < count; i++) {
      records[i] = new SimpleRecord(1000L, ("k" + i).getBytes(StandardCharsets.UTF_8),
          ("value-" + i).getBytes(StandardCharsets.UTF_8));
    }
    return MemoryRecords.withRecords(compression, records).buffer();
  }

  @Test
  void countsTheRecordsOfEveryBatchCompressedOrNotAndTheirBytes() {
    ByteBuffer a = batch(3, Compression.gzip().build());
    ByteBuffer b = batch(5, Compression.NONE);
    ByteBuffer both = ByteBuffer.allocate(a.remaining() + b.remaining()).put(a.duplicate()).put(b.duplicate()).flip();
    Traffic traffic = new Traffic();

    traffic.appended(both);
    traffic.appended(batch(1, Compression.NONE));

    assertThat(traffic.recordsIn()).isEqualTo(9);
    assertThat(traffic.bytesIn()).isEqualTo(a.remaining() + b.remaining() + batch(1, Compression.NONE).remaining());
    assertThat(both.position()).as("the payload is read, not consumed").isZero();
  }

  @Test
  void producesInFlightFollowStartsAndAnswers() {
    Traffic traffic = new Traffic();
    traffic.produceStarted();
    traffic.produceStarted();
    traffic.produceAnswered();
    traffic.fetched(4096, 30);
    traffic.fetched(100, 2);

    assertThat(traffic.producesInFlight()).isEqualTo(1);
    assertThat(traffic.bytesOut()).isEqualTo(4196);
    assertThat(traffic.recordsOut()).isEqualTo(32);
  }
}
