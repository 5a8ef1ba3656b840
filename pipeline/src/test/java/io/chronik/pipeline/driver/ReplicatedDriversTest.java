package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionLog;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.PipelineConfig;
import io.chronik.pipeline.produce.ProducePipeline;
import io.chronik.pipeline.produce.PublishResult;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three drivers (one per node, each owning all four groups) running the real Raft core over a
 * loopback transport: acks=all appends published on the leaders' pipelines complete only once a
 * majority holds them, and every driver syncs at most once per loop.
 */
@Tag("integration")
class ReplicatedDriversTest {
  private static final int NODES = 3;
  private static final int GROUPS = 4;
  private static final int APPENDS_PER_GROUP = 300;

  private final List<RaftDriver<GroupMessage>> drivers = new ArrayList<>();
  private final List<List<RaftNodeGroup>> groups = new ArrayList<>();
  private final List<List<MemoryLogStorage>> storages = new ArrayList<>();
  private final List<InFlightLimit> limits = new ArrayList<>();
  private final List<PipelineMetrics> metrics = new ArrayList<>();
  private final List<ProducePipeline> pipelines = new ArrayList<>();
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));

  /** Delivers to the other drivers' inbound queues (a full queue drops, as a lossy network may). */
  private final class LoopbackTransport implements PeerTransport<GroupMessage> {
    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
      for (GroupMessage m : messages) {
        drivers.get(nodeId).offerInbound(m);
      }
    }

    @Override
    public void flush() {
      // loopback: nothing buffered
    }
  }

  @AfterEach
  void stop() {
    pipelines.forEach(ProducePipeline::close);
    ticker.shutdownNow();
    drivers.forEach(RaftDriver::close);
    loop.shutdownNow();
  }

  private void startCluster() {
    LoopbackTransport transport = new LoopbackTransport();
    for (int n = 0; n < NODES; n++) {
      List<RaftNodeGroup> nodeGroups = new ArrayList<>();
      List<MemoryLogStorage> nodeStorages = new ArrayList<>();
      List<DrivenGroup<GroupMessage>> driven = new ArrayList<>();
      for (int g = 0; g < GROUPS; g++) {
        MemoryLogStorage storage = new MemoryLogStorage();
        RaftNode node = new RaftNode(n, storage, Configuration.of(List.of(0, 1, 2)), RaftOptions.defaults(),
            new Random(1000L * n + g));
        RaftNodeGroup group = new RaftNodeGroup(g, node, storage);
        nodeGroups.add(group);
        nodeStorages.add(storage);
        driven.add(group);
      }
      groups.add(nodeGroups);
      storages.add(nodeStorages);
      InFlightLimit limit = new InFlightLimit(4096);
      limits.add(limit);
      PipelineMetrics nodeMetrics = new PipelineMetrics();
      metrics.add(nodeMetrics);
      AtomicLong syncPasses = new AtomicLong();
      RaftDriver<GroupMessage> driver = new RaftDriver<>(new DriverConfig(NODES, 1024, 65536, 4096, 1_000_000),
          driven, () -> {
            nodeStorages.forEach(MemoryLogStorage::sync);
            return syncPasses.incrementAndGet();
          }, transport, (group, ready) -> { }, new CompletionRegistry(GROUPS, limit), nodeMetrics,
          RaftNodeGroup::groupOf, (reason, cause) -> { });
      drivers.add(driver);
    }
    for (int n = 0; n < NODES; n++) {
      drivers.get(n).start(r -> new Thread(r, "raft-driver"));
      pipelines.add(new ProducePipeline(new PipelineConfig(1024, GROUPS, 256, 1 << 20, 4096),
          drivers.get(n).proposalSink(), limits.get(n), metrics.get(n), r -> new Thread(r, "batcher")));
    }
    ticker.scheduleAtFixedRate(() -> drivers.forEach(RaftDriver::tick), 10, 10, TimeUnit.MILLISECONDS);
  }

  private static void await(BooleanSupplier condition, long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition before deadline").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** The node that leads {@code group} as all nodes see it, or -1. */
  private int leaderOf(int group) {
    for (int n = 0; n < NODES; n++) {
      if (groups.get(n).get(group).roleHint() == Role.LEADER) {
        return n;
      }
    }
    return -1;
  }

  @Test
  void acksAllCompletesOnceAMajorityOfDriversPersistedIt() throws Exception {
    startCluster();
    await(() -> {
      for (int g = 0; g < GROUPS; g++) {
        if (leaderOf(g) < 0) {
          return false;
        }
      }
      return true;
    }, 20);

    // publish every append on its group's leader; retry those that meet a leadership change
    List<long[]> pending = new ArrayList<>();
    for (int seq = 0; seq < APPENDS_PER_GROUP; seq++) {
      for (int g = 0; g < GROUPS; g++) {
        pending.add(new long[] {g, seq});
      }
    }
    List<CompletionLog.Completed> successes = new ArrayList<>();
    for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
      CompletionLog completions = new CompletionLog();
      for (long[] append : pending) {
        int g = (int) append[0];
        ByteBuffer payload = ByteBuffer.allocate(100).putLong(0, append[1]);
        long cookie = g * 1_000_000L + append[1];
        int leader = leaderOf(g);
        ProducePipeline pipeline = pipelines.get(leader < 0 ? 0 : leader);
        PublishResult result;
        while ((result = pipeline.tryPublish(g, payload, Acks.ALL, cookie, completions, loop))
            != PublishResult.ACCEPTED) {
          assertThat(result.isBackPressure()).isTrue();
          Thread.onSpinWait();
        }
      }
      assertThat(completions.await(pending.size(), 30, TimeUnit.SECONDS)).isTrue();
      pending = new ArrayList<>();
      for (CompletionLog.Completed c : completions.completed()) {
        if (c.status() == AppendStatus.SUCCESS) {
          successes.add(c);
        } else {
          assertThat(c.status()).isEqualTo(AppendStatus.NOT_LEADER);
          pending.add(new long[] {c.groupId(), c.cookie() % 1_000_000L});
        }
      }
    }
    assertThat(pending).isEmpty();
    assertThat(successes).hasSize(GROUPS * APPENDS_PER_GROUP);

    pipelines.forEach(ProducePipeline::close);
    pipelines.clear();
    ticker.shutdownNow();
    drivers.forEach(RaftDriver::close);
    for (int g = 0; g < GROUPS; g++) {
      // every acknowledged append is durable on a majority of the nodes' storages
      for (CompletionLog.Completed c : successes) {
        if (c.groupId() != g) {
          continue;
        }
        int holders = 0;
        for (int n = 0; n < NODES; n++) {
          MemoryLogStorage storage = storages.get(n).get(g);
          if (storage.lastIndex() >= c.index()) {
            Entry entry = storage.entries(c.index(), c.index() + 1, Long.MAX_VALUE).get(0);
            if (ByteBuffer.wrap(entry.payload()).getLong(0) == c.cookie() % 1_000_000L) {
              holders++;
            }
          }
        }
        assertThat(holders).as("group=%d index=%d", g, c.index()).isGreaterThanOrEqualTo(2);
      }
    }
    for (RaftDriver<GroupMessage> driver : drivers) {
      assertThat(driver.syncs()).isLessThanOrEqualTo(driver.loops());
      // at most one flush before the sync (leaders' appends) and one after it (votes, responses)
      assertThat(driver.flushes()).isLessThanOrEqualTo(2 * driver.loops());
    }
  }
}
