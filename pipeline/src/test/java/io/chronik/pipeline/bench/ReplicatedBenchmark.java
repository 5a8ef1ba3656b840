package io.chronik.pipeline.bench;

import io.chronik.pipeline.commit.FileDurableWriter;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.driver.DriverConfig;
import io.chronik.pipeline.driver.DrivenGroup;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.PipelineConfig;
import io.chronik.pipeline.produce.ProducePipeline;
import io.chronik.pipeline.produce.PublishResult;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Three in-process nodes, each a {@link RaftDriver} owning every group with the real Raft core, a
 * write-ahead file per node fsynced once per driver loop, and a loopback transport. Producers publish
 * acks=all appends on the groups' leaders: an append is acknowledged once a majority fsynced it.
 *
 * <p>Arguments: {@code producers seconds groups recordBytes [dir]} (see docs/PIPELINE.md).
 */
public final class ReplicatedBenchmark {
  private static final int NODES = 3;
  /**
   * 10 ms ticks: election timeout 500–1000 ms, heartbeat 50 ms. The default 10 ticks (100 ms) is
   * shorter than this shared disk's fsync p99, and ticks that accumulate during a slow fsync are
   * applied at once, so followers would start elections under load.
   */
  private static final RaftOptions OPTIONS = RaftOptions.defaults().toBuilder()
      .electionTicks(50).heartbeatTicks(5).build();

  private ReplicatedBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int producers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int groupCount = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int recordBytes = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    Path dir = args.length > 4 ? Path.of(args[4]) : Files.createTempDirectory("chronik-replicated-bench");
    Files.createDirectories(dir);
    System.out.printf(Locale.ROOT, "nodes=%d producers=%d seconds=%d groups=%d recordBytes=%d acks=all dir=%s%n",
        NODES, producers, seconds, groupCount, recordBytes, dir);

    List<RaftDriver<GroupMessage>> drivers = new ArrayList<>();
    List<List<RaftNodeGroup>> groups = new ArrayList<>();
    List<PipelineMetrics> metrics = new ArrayList<>();
    List<ProducePipeline> pipelines = new ArrayList<>();
    List<FileDurableWriter> wals = new ArrayList<>();
    PeerTransport<GroupMessage> transport = new PeerTransport<>() {
      @Override
      public void send(int nodeId, List<GroupMessage> messages) {
        for (GroupMessage m : messages) {
          drivers.get(nodeId).offerInbound(m);
        }
      }

      @Override
      public void flush() {
        // loopback
      }
    };
    for (int n = 0; n < NODES; n++) {
      FileDurableWriter wal = FileDurableWriter.open(dir.resolve("node-" + n + ".wal"), 4 << 20);
      wals.add(wal);
      List<RaftNodeGroup> nodeGroups = new ArrayList<>();
      List<DrivenGroup<GroupMessage>> driven = new ArrayList<>();
      for (int g = 0; g < groupCount; g++) {
        MemoryLogStorage storage = new MemoryLogStorage();
        RaftNode node = new RaftNode(n, storage, Configuration.of(List.of(0, 1, 2)), OPTIONS,
            new Random(1000L * n + g));
        RaftNodeGroup group = new RaftNodeGroup(g, node, storage, wal);
        nodeGroups.add(group);
        driven.add(group);
      }
      groups.add(nodeGroups);
      InFlightLimit limit = new InFlightLimit(16384);
      PipelineMetrics nodeMetrics = new PipelineMetrics();
      metrics.add(nodeMetrics);
      RaftDriver<GroupMessage> driver = new RaftDriver<>(new DriverConfig(NODES, 8192, 1 << 16, 4096, 1_000_000),
          driven, wal, transport, (group, ready) -> { }, new CompletionRegistry(groupCount, limit), nodeMetrics,
          RaftNodeGroup::groupOf, (reason, cause) -> { });
      drivers.add(driver);
      pipelines.add(new ProducePipeline(new PipelineConfig(8192, groupCount, 4096, 1 << 20, 16384),
          driver.proposalSink(), limit, nodeMetrics, r -> new Thread(r, "batcher-" + drivers.size())));
    }
    int nodeIndex = 0;
    for (RaftDriver<GroupMessage> driver : drivers) {
      int id = nodeIndex++;
      driver.start(r -> new Thread(r, "raft-driver-" + id));
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> drivers.forEach(RaftDriver::tick), 10, 10, TimeUnit.MILLISECONDS);

    long electionDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (leaders(groups, groupCount) < groupCount) {
      if (System.nanoTime() > electionDeadline) {
        throw new IllegalStateException("reason=no-leaders-elected");
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }

    LongAdder acked = new LongAdder();
    LongAdder notLeader = new LongAdder();
    LongAdder overloaded = new LongAdder();
    Recorder latency = new Recorder(3);
    // like a Kafka producer's bounded buffer: each producer keeps at most `window` appends outstanding
    int window = 1000;
    List<Semaphore> windows = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      windows.add(new Semaphore(window));
    }
    AppendCallback callback = (cookie, group, status, logIndex, originalOffset, refusalCode) -> {
      windows.get((int) (cookie & 0xff)).release();
      if (status == AppendStatus.SUCCESS) {
        latency.recordValue(Math.max(0, System.nanoTime() - (cookie >>> 8)));
        acked.increment();
      } else if (status == AppendStatus.OVERLOADED) {
        overloaded.increment();
      } else {
        notLeader.increment();
      }
    };
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<ExecutorService> loops = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      ExecutorService loop = Executors.newSingleThreadExecutor();
      loops.add(loop);
      int producer = p;
      threads.add(new Thread(() -> {
        ByteBuffer payload = ByteBuffer.allocate(recordBytes);
        Semaphore outstanding = windows.get(producer);
        long n = 0;
        while (!stop.get()) {
          try {
            if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
              continue;
            }
          } catch (InterruptedException e) {
            return;
          }
          int g = (int) ((producer + n++) % groupCount);
          int leader = leaderOf(groups, g);
          // cookie: publish time in the high bits, producer in the low 8
          long cookie = (System.nanoTime() << 8) | producer;
          while (pipelines.get(Math.max(leader, 0)).tryPublish(g, payload, Acks.ALL, cookie, callback, loop)
              != PublishResult.ACCEPTED) {
            Thread.yield();
          }
        }
      }, "producer-" + p));
    }
    long started = System.nanoTime();
    threads.forEach(Thread::start);
    TimeUnit.SECONDS.sleep(seconds);
    long done = acked.sum();
    double elapsed = (System.nanoTime() - started) / 1e9;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    Histogram h = latency.getIntervalHistogram();
    System.out.printf(Locale.ROOT, "acked appends/s=%.0f (acks=all, majority fsynced) notLeader=%d overloaded=%d"
        + " latency ms p50=%.1f p99=%.1f max=%.1f%n", done / elapsed, notLeader.sum(), overloaded.sum(),
        h.getValueAtPercentile(50) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
    for (int n = 0; n < NODES; n++) {
      PipelineMetrics.Snapshot s = metrics.get(n).snapshot();
      RaftDriver<GroupMessage> d = drivers.get(n);
      System.out.printf(Locale.ROOT, "node=%d loops=%d syncs=%d peerSends=%d flushes=%d ringBatches=%d"
          + " fsync ms p50=%.1f p99=%.1f%n", n, d.loops(), d.syncs(), d.peerSends(), d.flushes(),
          metrics.get(n).batches(), s.syncNanos().getValueAtPercentile(50) / 1e6,
          s.syncNanos().getValueAtPercentile(99) / 1e6);
      System.out.printf(Locale.ROOT, "  per driver loop: entries persisted p50=%d p90=%d p99=%d max=%d;"
          + " appends proposed p50=%d p99=%d; groups with Ready p50=%d max=%d%n",
          s.loopEntries().getValueAtPercentile(50), s.loopEntries().getValueAtPercentile(90),
          s.loopEntries().getValueAtPercentile(99), s.loopEntries().getMaxValue(),
          s.loopAppends().getValueAtPercentile(50), s.loopAppends().getValueAtPercentile(99),
          s.loopGroups().getValueAtPercentile(50), s.loopGroups().getMaxValue());
    }
    StringBuilder roles = new StringBuilder("roles (group: per node)");
    for (int g = 0; g < groupCount; g++) {
      roles.append(' ').append(g).append(':');
      for (int n = 0; n < NODES; n++) {
        roles.append(groups.get(n).get(g).roleHint().name().charAt(0));
      }
    }
    System.out.println(roles);
    pipelines.forEach(ProducePipeline::close);
    ticker.shutdownNow();
    drivers.forEach(RaftDriver::close);
    for (FileDurableWriter wal : wals) {
      wal.close();
    }
    loops.forEach(ExecutorService::shutdown);
  }

  private static int leaders(List<List<RaftNodeGroup>> groups, int groupCount) {
    int count = 0;
    for (int g = 0; g < groupCount; g++) {
      if (leaderOf(groups, g) >= 0) {
        count++;
      }
    }
    return count;
  }

  private static int leaderOf(List<List<RaftNodeGroup>> groups, int g) {
    for (int n = 0; n < groups.size(); n++) {
      if (groups.get(n).get(g).roleHint() == Role.LEADER) {
        return n;
      }
    }
    return -1;
  }
}
