package io.chronik.pipeline.bench;

import io.chronik.pipeline.commit.DurableWriter;
import io.chronik.pipeline.commit.FileDurableWriter;
import io.chronik.pipeline.commit.SegmentedLogWriter;
import io.chronik.pipeline.commit.GroupCommitStage;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.PipelineConfig;
import io.chronik.pipeline.produce.ProducePipeline;
import io.chronik.pipeline.produce.PublishResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.NioDisk;
import java.util.function.IntToLongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Throughput of N producer threads appending small records with fsync before every acknowledgement:
 * (A) through the Disruptor ring, per-partition batching and group commit (one fsync per batch),
 * versus (B) the baseline of one fsync per append, in the same run on the same disk.
 *
 * <p>Run: see docs/PIPELINE.md. Arguments: {@code producers seconds partitions recordBytes storage [dir]}
 * where storage is {@code file} (one {@link FileDurableWriter} file, one fsync per batch) or
 * {@code segmented} (the raft module's per-group segmented logs, one {@code GroupCommit} pass per batch).
 */
public final class GroupCommitBenchmark {
  private GroupCommitBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int producers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int recordBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    String storage = args.length > 4 ? args[4] : "file";
    Path dir = args.length > 5 ? Path.of(args[5]) : Files.createTempDirectory("chronik-pipeline-bench");
    System.out.printf(Locale.ROOT, "producers=%d seconds=%d partitions=%d recordBytes=%d storage=%s dir=%s%n",
        producers, seconds, partitions, recordBytes, storage, dir);

    double baseline = baseline(dir.resolve("baseline.log"), producers, seconds, recordBytes);
    DurableWriter writer = switch (storage) {
      case "file" -> FileDurableWriter.open(dir.resolve("pipeline.log"), 4 << 20);
      case "segmented" -> SegmentedLogWriter.open(new NioDisk(), dir.resolve("segmented"), partitions,
          LogConfig.defaults(), 2);
      default -> throw new IllegalArgumentException("storage=" + storage + " reason=unknown");
    };
    IntToLongFunction lastIndex = writer instanceof SegmentedLogWriter logs ? logs::lastIndex : g -> 0;
    double pipelined = pipelined(writer, lastIndex, producers, seconds, partitions, recordBytes);
    System.out.printf(Locale.ROOT, "ratio pipeline/baseline=%.1fx%n", pipelined / baseline);
  }

  /** One fsync per append: each producer appends and syncs under the writer's lock. */
  private static double baseline(Path file, int producers, int seconds, int recordBytes) throws Exception {
    LongAdder appends = new LongAdder();
    Recorder latency = new Recorder(3);
    ReentrantLock lock = new ReentrantLock();
    AtomicBoolean stop = new AtomicBoolean();
    try (FileDurableWriter writer = FileDurableWriter.open(file, 1 << 20)) {
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int partition = p;
        threads.add(new Thread(() -> {
          ByteBuffer payload = ByteBuffer.allocate(recordBytes);
          long index = 0;
          while (!stop.get()) {
            long started = System.nanoTime();
            lock.lock();
            try {
              writer.append(partition, ++index, 1, payload);
              writer.sync();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            } finally {
              lock.unlock();
            }
            latency.recordValue(System.nanoTime() - started);
            appends.increment();
          }
        }, "baseline-" + p));
      }
      long started = System.nanoTime();
      threads.forEach(Thread::start);
      TimeUnit.SECONDS.sleep(seconds);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      double rate = appends.sum() / ((System.nanoTime() - started) / 1e9);
      Histogram h = latency.getIntervalHistogram();
      System.out.printf(Locale.ROOT, "baseline  appends/s=%.0f (one fsync per append) ack latency us p50=%.0f p99=%.0f%n",
          rate, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3);
      return rate;
    }
  }

  /** Ring + per-partition batching + one fsync per batch; acks=1, completions on per-producer loops. */
  private static double pipelined(DurableWriter storage, IntToLongFunction lastIndex, int producers, int seconds,
      int partitions, int recordBytes) throws Exception {
    PipelineConfig config = new PipelineConfig(8192, partitions, 4096, 1 << 20, 16384);
    PipelineMetrics metrics = new PipelineMetrics();
    InFlightLimit inFlight = new InFlightLimit(config.inFlightMax());
    CompletionRegistry registry = new CompletionRegistry(partitions, inFlight);
    LongAdder completed = new LongAdder();
    Recorder latency = new Recorder(3);
    AppendCallback callback = (cookie, group, status, logIndex, originalOffset, refusalCode) -> {
      latency.recordValue(Math.max(0, System.nanoTime() - cookie));
      completed.increment();
    };
    AtomicBoolean stop = new AtomicBoolean();
    List<ExecutorService> loops = new ArrayList<>();
    try (DurableWriter writer = storage;
        ProducePipeline pipeline = new ProducePipeline(config,
            new GroupCommitStage(writer, registry, metrics, 1, lastIndex), inFlight, metrics,
            r -> new Thread(r, "batcher"))) {
      List<Thread> threads = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        ExecutorService loop = Executors.newSingleThreadExecutor();
        loops.add(loop);
        int producer = p;
        threads.add(new Thread(() -> {
          // one immutable payload reused: the pipeline reads it without moving its position
          ByteBuffer payload = ByteBuffer.allocate(recordBytes);
          long n = 0;
          while (!stop.get()) {
            int partition = (int) ((producer + n++) % partitions);
            PublishResult result = pipeline.tryPublish(partition, payload, Acks.LEADER, System.nanoTime(), callback,
                loop);
            if (result != PublishResult.ACCEPTED) {
              Thread.yield();
            }
          }
        }, "producer-" + p));
      }
      long started = System.nanoTime();
      threads.forEach(Thread::start);
      TimeUnit.SECONDS.sleep(seconds);
      stop.set(true);
      long done = completed.sum();
      double elapsed = (System.nanoTime() - started) / 1e9;
      for (Thread t : threads) {
        t.join();
      }
      double rate = done / elapsed;
      PipelineMetrics.Snapshot s = metrics.snapshot();
      Histogram h = latency.getIntervalHistogram();
      System.out.printf(Locale.ROOT, "pipeline  appends/s=%.0f (acked after fsync) ack latency us p50=%.0f p99=%.0f%n",
          rate, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3);
      System.out.printf(Locale.ROOT, "  batches=%d syncs=%d proposals=%d ringFull=%d inFlightFull=%d%n",
          metrics.batches(), metrics.syncs(), metrics.proposals(), metrics.ringFullRejections(),
          metrics.inFlightFullRejections());
      print("  records/batch", s.batchRecords(), 1);
      print("  bytes/batch", s.batchBytes(), 1);
      print("  partitions/batch", s.batchPartitions(), 1);
      print("  fsync us", s.syncNanos(), 1e3);
      return rate;
    } finally {
      loops.forEach(ExecutorService::shutdown);
    }
  }

  private static void print(String name, Histogram h, double scale) {
    System.out.printf(Locale.ROOT, "%s p50=%.0f p90=%.0f p99=%.0f max=%.0f mean=%.1f%n", name,
        h.getValueAtPercentile(50) / scale, h.getValueAtPercentile(90) / scale, h.getValueAtPercentile(99) / scale,
        h.getMaxValue() / scale, h.getMean() / scale);
  }
}
