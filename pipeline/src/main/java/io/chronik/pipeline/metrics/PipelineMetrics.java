package io.chronik.pipeline.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Plain counters and HdrHistograms of the pipeline, for the broker to publish (e.g. as Micrometer
 * gauges and distribution summaries). Recording is allocation-free and safe from any thread
 * (HdrHistogram {@link Recorder}); {@link #snapshot()} folds the intervals into cumulative histograms.
 */
public final class PipelineMetrics {
  private static final long SYNC_NANOS_MAX = TimeUnit.SECONDS.toNanos(60);

  private final LongAdder batches = new LongAdder();
  private final LongAdder records = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final LongAdder proposals = new LongAdder();
  private final LongAdder syncs = new LongAdder();
  private final LongAdder ringFull = new LongAdder();
  private final LongAdder inFlightFull = new LongAdder();
  private final LongAdder failedAppends = new LongAdder();
  private final Recorder batchRecords = new Recorder(3);
  private final Recorder batchBytes = new Recorder(3);
  private final Recorder batchPartitions = new Recorder(3);
  private final Recorder syncNanos = new Recorder(SYNC_NANOS_MAX, 3);
  private final LongAdder driverLoops = new LongAdder();
  private final Recorder loopAppends = new Recorder(3);
  private final Recorder loopEntries = new Recorder(3);
  private final Recorder loopGroups = new Recorder(3);

  private final Object snapshotLock = new Object();
  private final Histogram batchRecordsTotal = new Histogram(3);
  private final Histogram batchBytesTotal = new Histogram(3);
  private final Histogram batchPartitionsTotal = new Histogram(3);
  private final Histogram syncNanosTotal = new Histogram(SYNC_NANOS_MAX, 3);
  private final Histogram loopAppendsTotal = new Histogram(3);
  private final Histogram loopEntriesTotal = new Histogram(3);
  private final Histogram loopGroupsTotal = new Histogram(3);

  /** One Disruptor batch: {@code records} appends of {@code partitions} groups became {@code proposalCount} proposals. */
  public void recordBatch(int recordCount, long byteCount, int partitions, int proposalCount) {
    batches.increment();
    records.add(recordCount);
    bytes.add(byteCount);
    proposals.add(proposalCount);
    batchRecords.recordValue(recordCount);
    batchBytes.recordValue(byteCount);
    batchPartitions.recordValue(partitions);
  }

  /** One durable sync (fsync) and how long it took. */
  public void recordSync(long nanos) {
    syncs.increment();
    syncNanos.recordValue(Math.min(Math.max(nanos, 0), SYNC_NANOS_MAX));
  }

  /**
   * One Raft driver loop that handled Readys: appends it proposed, log entries it persisted (its own
   * proposals and entries received as a follower) and groups that had a Ready — all under one sync.
   */
  public void recordDriverLoop(long appendsProposed, long entriesPersisted, int readyGroups) {
    driverLoops.increment();
    loopAppends.recordValue(appendsProposed);
    loopEntries.recordValue(entriesPersisted);
    loopGroups.recordValue(readyGroups);
  }

  public long driverLoops() {
    return driverLoops.sum();
  }

  public void recordRingFull() {
    ringFull.increment();
  }

  public void recordInFlightFull() {
    inFlightFull.increment();
  }

  public long batches() {
    return batches.sum();
  }

  public long records() {
    return records.sum();
  }

  public long bytes() {
    return bytes.sum();
  }

  public long proposals() {
    return proposals.sum();
  }

  public long syncs() {
    return syncs.sum();
  }

  public long ringFullRejections() {
    return ringFull.sum();
  }

  public long inFlightFullRejections() {
    return inFlightFull.sum();
  }

  /** Appends the batcher could not process (completed FAILED, permits released). */
  public void recordFailedAppends(long appends) {
    failedAppends.add(appends);
  }

  public long failedAppends() {
    return failedAppends.sum();
  }

  /** Cumulative histograms since creation (copies; the caller owns them). */
  public Snapshot snapshot() {
    synchronized (snapshotLock) {
      batchRecordsTotal.add(batchRecords.getIntervalHistogram());
      batchBytesTotal.add(batchBytes.getIntervalHistogram());
      batchPartitionsTotal.add(batchPartitions.getIntervalHistogram());
      syncNanosTotal.add(syncNanos.getIntervalHistogram());
      loopAppendsTotal.add(loopAppends.getIntervalHistogram());
      loopEntriesTotal.add(loopEntries.getIntervalHistogram());
      loopGroupsTotal.add(loopGroups.getIntervalHistogram());
      return new Snapshot(batchRecordsTotal.copy(), batchBytesTotal.copy(), batchPartitionsTotal.copy(),
          syncNanosTotal.copy(), loopAppendsTotal.copy(), loopEntriesTotal.copy(), loopGroupsTotal.copy());
    }
  }

  /**
   * Histograms of records, bytes and partitions per ring batch, of sync latency in nanoseconds, and
   * per Raft driver loop of appends proposed, entries persisted and groups with a Ready.
   */
  public record Snapshot(Histogram batchRecords, Histogram batchBytes, Histogram batchPartitions,
      Histogram syncNanos, Histogram loopAppends, Histogram loopEntries, Histogram loopGroups) {
    /** One log line: counts, means and tails ({@code key=value}). */
    public String summary() {
      return String.format(java.util.Locale.ROOT,
          "batches=%d batchRecordsMean=%.1f batchRecordsP99=%d batchBytesMean=%.0f syncs=%d syncMsP50=%.2f"
              + " syncMsP99=%.2f syncMsMax=%.2f loops=%d loopEntriesMean=%.1f",
          batchRecords.getTotalCount(), batchRecords.getMean(), batchRecords.getValueAtPercentile(99),
          batchBytes.getMean(), syncNanos.getTotalCount(), syncNanos.getValueAtPercentile(50) / 1e6,
          syncNanos.getValueAtPercentile(99) / 1e6, syncNanos.getMaxValue() / 1e6, loopEntries.getTotalCount(),
          loopEntries.getMean());
    }
  }
}
