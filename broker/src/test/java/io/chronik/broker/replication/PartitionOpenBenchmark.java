package io.chronik.broker.replication;

import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.NioDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * How long a node takes to open its stored partition logs at a restart: {@link PartitionStores} with one
 * thread (the baseline: one by one, as the driver thread did) against {@code threads}, alternating rounds
 * in the same run on the same files, so the ratio holds on a shared, noisy machine.
 *
 * <p>Arguments: {@code partitions rounds threads entriesPerPartition [dir]}. Run: see docs/BENCH.md.
 */
public final class PartitionOpenBenchmark {
  private PartitionOpenBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int partitions = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int entries = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    Path dir = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("chronik-open-bench");
    Path raftDir = dir.resolve("raft");
    TopicSpec topic = PartitionStoresTest.topic("bench", partitions);
    System.out.printf(Locale.ROOT, "partitions=%d rounds=%d threads=%d entriesPerPartition=%d dir=%s%n",
        partitions, rounds, threads, entries, dir);
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), raftDir)) {
      try (PartitionStores filler = PartitionStoresTest.stores(raftDir, journal, threads)) {
        PartitionStoresTest.fill(filler, topic, entries);
      }
      Histogram baseline = new Histogram(3);
      Histogram parallel = new Histogram(3);
      Histogram clean = new Histogram(3);
      long[] baselineMs = new long[rounds];
      long[] parallelMs = new long[rounds];
      long[] cleanMs = new long[rounds];
      for (int round = 0; round < rounds; round++) {
        baselineMs[round] = openAll(raftDir, journal, topic, 1, baseline);
        parallelMs[round] = openAll(raftDir, journal, topic, threads, parallel);
        PartitionStoresTest.recordCleanShutdown(raftDir, topic); // as a clean stop leaves it
        cleanMs[round] = openAll(raftDir, journal, topic, threads, clean);
        System.out.printf(Locale.ROOT, "round=%d threads=1 openAllMs=%d threads=%d openAllMs=%d"
            + " afterCleanShutdown openAllMs=%d%n", round, baselineMs[round], threads, parallelMs[round], cleanMs[round]);
      }
      Arrays.sort(baselineMs);
      Arrays.sort(parallelMs);
      Arrays.sort(cleanMs);
      long b = baselineMs[rounds / 2];
      long p = parallelMs[rounds / 2];
      long c = cleanMs[rounds / 2];
      System.out.printf(Locale.ROOT, "open %d partitions, median of %d rounds: threads=1 %d ms (per partition p50 %.2f "
              + "p99 %.2f ms), threads=%d %d ms (ready p50 %.2f p99 %.2f ms); speedup %.2fx%n", partitions, rounds, b,
          baseline.getValueAtPercentile(50) / 1e3, baseline.getValueAtPercentile(99) / 1e3, threads, p,
          parallel.getValueAtPercentile(50) / 1e3, parallel.getValueAtPercentile(99) / 1e3, (double) b / Math.max(1, p));
      System.out.printf(Locale.ROOT, "after a clean shutdown (no recovery forces), threads=%d: %d ms, %.2fx of threads=1,"
          + " %.2fx of threads=%d%n", threads, c, (double) c / Math.max(1, b), (double) c / Math.max(1, p), threads);
    }
  }

  /** Opens every partition (waiting in order, as the driver thread does), then closes them; wall ms. */
  private static long openAll(Path raftDir, HardStateJournal journal, TopicSpec topic, int threads, Histogram micros)
      throws Exception {
    List<DurableLogStorage> opened = new ArrayList<>();
    long started = System.nanoTime();
    try (PartitionStores stores = PartitionStoresTest.stores(raftDir, journal, threads)) {
      long previous = started;
      for (CompletableFuture<DurableLogStorage> opening : stores.open(topic, topic.partitions())) {
        opened.add(opening.join());
        long now = System.nanoTime();
        micros.recordValue(Math.max(1, (now - previous) / 1_000));
        previous = now;
      }
    }
    long wallMs = (System.nanoTime() - started) / 1_000_000;
    for (DurableLogStorage storage : opened) {
      storage.close();
    }
    return wallMs;
  }
}
