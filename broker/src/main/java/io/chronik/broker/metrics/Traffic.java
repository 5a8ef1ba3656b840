package io.chronik.broker.metrics;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Data-path counters the API handlers bump (state thread) and the metrics registry reads (scrape
 * thread): records and bytes produced, records and bytes fetched, produce requests waiting for their
 * appends.
 */
public final class Traffic {
  /** Kafka record batch v2: batchLength at 8, lastOffsetDelta at 23 (KIP-98 layout). */
  private static final int LENGTH_OFFSET = 8;
  private static final int LAST_OFFSET_DELTA_OFFSET = 23;
  private static final int LOG_OVERHEAD = 12;

  private final LongAdder recordsIn = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final LongAdder recordsOut = new LongAdder();
  private final LongAdder producesInFlight = new LongAdder();

  /** One partition append made durable (or accepted, for acks=0): its batches' records and bytes. */
  public void appended(ByteBuffer batches) {
    recordsIn.add(records(batches));
    bytesIn.add(batches.remaining());
  }

  /**
   * One partition's share of a Fetch response: its batches' bytes, and the records in them at or
   * after the fetch offset (the client drops the ones before it in the first batch).
   */
  public void fetched(long bytes, long records) {
    bytesOut.add(bytes);
    recordsOut.add(records);
  }

  public void produceStarted() {
    producesInFlight.increment();
  }

  public void produceAnswered() {
    producesInFlight.decrement();
  }

  public long recordsIn() {
    return recordsIn.sum();
  }

  public long bytesIn() {
    return bytesIn.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }

  public long recordsOut() {
    return recordsOut.sum();
  }

  public long producesInFlight() {
    return producesInFlight.sum();
  }

  /** Records in validated v2 batches: the sum of lastOffsetDelta + 1 over the batches. */
  static long records(ByteBuffer batches) {
    long count = 0;
    int pos = batches.position();
    int end = batches.limit();
    while (pos + LAST_OFFSET_DELTA_OFFSET + 4 <= end) {
      count += batches.getInt(pos + LAST_OFFSET_DELTA_OFFSET) + 1L;
      pos += LOG_OVERHEAD + batches.getInt(pos + LENGTH_OFFSET);
    }
    return count;
  }
}
