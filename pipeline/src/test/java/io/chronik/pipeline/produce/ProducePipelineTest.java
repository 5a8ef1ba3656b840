package io.chronik.pipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.commit.GatedWriter;
import io.chronik.pipeline.commit.GroupCommitStage;
import io.chronik.pipeline.commit.LogFileReader;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionLog;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducePipelineTest {
  private static final long TERM = 1;

  @TempDir
  Path dir;

  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
  private final CompletionLog completions = new CompletionLog();
  private final PipelineMetrics metrics = new PipelineMetrics();
  private GatedWriter writer;
  private CompletionRegistry registry;
  private RecordingSink sink;
  private ProducePipeline pipeline;

  private void start(PipelineConfig config) throws Exception {
    writer = new GatedWriter(dir.resolve("node.log"));
    InFlightLimit inFlight = new InFlightLimit(config.inFlightMax());
    registry = new CompletionRegistry(config.groupsMax(), inFlight);
    sink = new RecordingSink(new GroupCommitStage(writer, registry, metrics, TERM));
    pipeline = new ProducePipeline(config, sink, inFlight, metrics, r -> new Thread(r, "batcher"));
  }

  @AfterEach
  void stop() throws Exception {
    if (writer != null) {
      writer.openGate();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    if (writer != null) {
      writer.close();
    }
    loop.shutdownNow();
  }

  private static ByteBuffer payload(int group, int seq, int bytes) {
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    buffer.putInt(0, group).putInt(4, seq);
    return buffer;
  }

  private PublishResult publish(int group, int seq, Acks acks) {
    return pipeline.tryPublish(group, payload(group, seq, 100), acks, seq, completions, loop);
  }

  /** Publishes one append and waits until its sync is held at the closed gate: the batcher is busy. */
  private void holdBatcherInSync() throws Exception {
    writer.closeGate();
    assertThat(publish(7, 0, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    assertThat(writer.awaitSyncStarted(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void oneBatchBecomesOneProposalPerPartitionAndOneSync() throws Exception {
    start(new PipelineConfig(1024, 8, 1000, 1 << 20, 4096));
    holdBatcherInSync();
    int[] groups = {3, 1, 3, 2, 1, 3, 2, 1, 1, 3};
    for (int i = 0; i < groups.length; i++) {
      assertThat(publish(groups[i], i + 1, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    }
    int callsBefore = sink.calls().size();
    writer.openGate();
    assertThat(completions.await(groups.length + 1, 10, TimeUnit.SECONDS)).isTrue();

    // the held batch (group 7), then exactly one batch: one proposal per partition, in first-seen order
    assertThat(sink.calls().subList(callsBefore, sink.calls().size())).containsExactly(
        "propose group=3 size=4", "propose group=1 size=4", "propose group=2 size=2", "end");
    assertThat(writer.syncs()).isEqualTo(2);
    assertThat(writer.appends()).isEqualTo(groups.length + 1);
    assertThat(metrics.batches()).isEqualTo(2);
    assertThat(metrics.syncs()).isEqualTo(2);
    assertThat(metrics.snapshot().batchPartitions().getMaxValue()).isEqualTo(3);
    // each append completes on the caller's executor with its own index, in publish order per group
    for (CompletionLog.Completed c : completions.completed()) {
      assertThat(c.status()).isEqualTo(AppendStatus.SUCCESS);
      assertThat(c.thread()).isEqualTo("event-loop");
    }
    assertThat(indexesByCookie(3)).containsExactly(1L, 2L, 3L, 4L);
  }

  /** Each append carries the group incarnation it was published for, through the ring and out of it. */
  @Test
  void theIncarnationAnAppendWasPublishedForReachesTheProposal() throws Exception {
    start(new PipelineConfig(1024, 8, 1000, 1 << 20, 4096));
    holdBatcherInSync();
    int before = sink.incarnations().size();
    assertThat(pipeline.tryPublish(2, 0, payload(2, 1, 100), Acks.LEADER, 1, completions, loop))
        .isEqualTo(PublishResult.ACCEPTED);
    assertThat(pipeline.tryPublish(2, 3, payload(2, 2, 100), Acks.LEADER, 2, completions, loop))
        .isEqualTo(PublishResult.ACCEPTED);
    assertThat(publish(2, 3, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    writer.openGate();
    assertThat(completions.await(4, 10, TimeUnit.SECONDS)).isTrue();

    assertThat(sink.incarnations().subList(before, sink.incarnations().size())).containsExactly(List.of(0, 3, 0));
  }

  private List<Long> indexesByCookie(int group) {
    List<Long> indexes = new ArrayList<>();
    completions.completed().stream().filter(c -> c.groupId() == group).forEach(c -> indexes.add(c.index()));
    return indexes;
  }

  @Test
  void oversizeBatchIsSplitInOrder() throws Exception {
    // 100-byte payloads: 250 bytes fit two per proposal; records bound 3 never bites first here
    start(new PipelineConfig(1024, 8, 3, 250, 4096));
    holdBatcherInSync();
    for (int seq = 1; seq <= 7; seq++) {
      assertThat(publish(0, seq, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    }
    assertThat(publish(5, 100, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    assertThat(publish(0, 8, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    int callsBefore = sink.calls().size();
    writer.openGate();
    assertThat(completions.await(10, 10, TimeUnit.SECONDS)).isTrue();

    assertThat(sink.calls().subList(callsBefore, sink.calls().size())).containsExactly(
        "propose group=0 size=2", "propose group=0 size=2", "propose group=0 size=2",
        "propose group=0 size=2", "propose group=5 size=1", "end");
    assertThat(writer.syncs()).isEqualTo(2);
    List<Integer> seqsOnDisk = new ArrayList<>();
    LogFileReader.readEntries(dir.resolve("node.log"), (group, index, term, data) -> {
      if (group == 0) {
        seqsOnDisk.add(data.getInt(4));
      }
    });
    assertThat(seqsOnDisk).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(pipeline.tryPublish(0, ByteBuffer.allocate(251), Acks.LEADER, 0, completions, loop))
        .isEqualTo(PublishResult.TOO_LARGE);
  }

  @Test
  void recordsBoundSplitsProposals() throws Exception {
    start(new PipelineConfig(1024, 8, 3, 1 << 20, 4096));
    holdBatcherInSync();
    for (int seq = 1; seq <= 7; seq++) {
      assertThat(publish(4, seq, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    }
    int callsBefore = sink.calls().size();
    writer.openGate();
    assertThat(completions.await(8, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(sink.calls().subList(callsBefore, sink.calls().size())).containsExactly(
        "propose group=4 size=3", "propose group=4 size=3", "propose group=4 size=1", "end");
    assertThat(indexesByCookie(4)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void acksAllCompletesOnlyAfterCommitted() throws Exception {
    start(new PipelineConfig(1024, 8, 1000, 1 << 20, 4096));
    assertThat(publish(2, 1, Acks.ALL)).isEqualTo(PublishResult.ACCEPTED);
    assertThat(publish(2, 2, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    assertThat(publish(3, 3, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    // group 3's acks=1 append completes after the sync; group 2's acks=1 waits behind its acks=all head
    assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::groupId).containsExactly(3);
    assertThat(writer.syncs()).isGreaterThanOrEqualTo(1);
    assertThat(completions.await(1, 200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(registry.pending()).isEqualTo(2);

    registry.committed(2, 1, TERM);
    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::cookie).containsExactly(3L, 1L, 2L);
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.SUCCESS);
    assertThat(registry.pending()).isZero();
  }

  @Test
  void slowDiskTurnsIntoBackPressureThenRecovers() throws Exception {
    int inFlightMax = 256;
    start(new PipelineConfig(64, 8, 1000, 1 << 20, inFlightMax));
    holdBatcherInSync();
    int accepted = 1;
    PublishResult result;
    int seq = 1;
    while ((result = publish(seq % 4, seq, Acks.LEADER)) == PublishResult.ACCEPTED) {
      accepted++;
      seq++;
      assertThat(accepted).isLessThanOrEqualTo(inFlightMax);
    }
    // the ring (64 slots, the stuck batch's slot included: it is released only when its batch ends)
    // fills while one batch is stuck in fsync: bounded, and the publisher is told
    assertThat(result).isEqualTo(PublishResult.RING_FULL);
    assertThat(accepted).isEqualTo(64);
    assertThat(metrics.ringFullRejections()).isEqualTo(1);
    assertThat(completions.completed()).isEmpty();

    writer.openGate();
    assertThat(completions.await(accepted, 10, TimeUnit.SECONDS)).isTrue();
    // progress resumes: the pipeline accepts and completes again
    assertThat(publish(1, seq, Acks.LEADER)).isEqualTo(PublishResult.ACCEPTED);
    assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).hasSize(accepted + 1);
  }

  @Test
  void unCommittedAcksAllBoundsInFlightAppends() throws Exception {
    start(new PipelineConfig(64, 4, 1000, 1 << 20, 100));
    int accepted = 0;
    PublishResult result;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // acks=all appends are synced but never committed: the in-flight limit, not the ring, stops them
    while ((result = publish(0, accepted + 1, Acks.ALL)) != PublishResult.IN_FLIGHT_FULL) {
      if (result == PublishResult.ACCEPTED) {
        accepted++;
      } else {
        Thread.onSpinWait();
      }
      assertThat(System.nanoTime()).isLessThan(deadline);
    }
    assertThat(accepted).isEqualTo(100);
    // all 100 are registered once their proposals were written (commit cannot precede its proposal)
    while (registry.pending() < 100) {
      Thread.onSpinWait();
      assertThat(System.nanoTime()).isLessThan(deadline);
    }
    assertThat(completions.completed()).isEmpty();
    registry.committed(0, 100, TERM);
    assertThat(completions.await(100, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(publish(0, 101, Acks.ALL)).isEqualTo(PublishResult.ACCEPTED);
  }

  @Test
  void preservesOrderPerPartitionUnderConcurrentProducers() throws Exception {
    start(new PipelineConfig(256, 8, 64, 1 << 20, 1024));
    int producers = 4;
    int perProducer = 5_000;
    Map<Integer, ExecutorService> loops = new HashMap<>();
    List<CompletionLog> logs = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      ExecutorService ownLoop = Executors.newSingleThreadExecutor();
      loops.put(p, ownLoop);
      CompletionLog log = new CompletionLog();
      logs.add(log);
      threads.add(new Thread(() -> {
        for (int seq = 0; seq < perProducer; seq++) {
          int group = seq % 8;
          ByteBuffer data = payload(producer, seq, 100);
          while (pipeline.tryPublish(group, data, Acks.LEADER, seq, log, ownLoop) != PublishResult.ACCEPTED) {
            Thread.onSpinWait();
          }
        }
      }, "producer-" + p));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    for (CompletionLog log : logs) {
      assertThat(log.await(perProducer, 30, TimeUnit.SECONDS)).isTrue();
    }
    // on disk: per group, each producer's appends appear in its publish order, indexes dense
    Map<Integer, Integer> lastSeq = new HashMap<>();
    Map<Integer, Long> lastIndex = new HashMap<>();
    long entries = LogFileReader.readEntries(dir.resolve("node.log"), (group, index, term, data) -> {
      int key = group * producers + data.getInt(0);
      assertThat(data.getInt(4)).isGreaterThan(lastSeq.getOrDefault(key, -1));
      lastSeq.put(key, data.getInt(4));
      assertThat(index).isEqualTo(lastIndex.getOrDefault(group, 0L) + 1);
      lastIndex.put(group, index);
    });
    assertThat(entries).isPositive();
    assertThat(lastIndex.values().stream().mapToLong(Long::longValue).sum()).isEqualTo((long) producers * perProducer);
    // completions: per producer and group, in publish order with increasing indexes
    for (CompletionLog log : logs) {
      Map<Integer, Long> lastCookie = new HashMap<>();
      Map<Integer, Long> lastCompletedIndex = new HashMap<>();
      for (CompletionLog.Completed c : log.completed()) {
        assertThat(c.cookie()).isGreaterThan(lastCookie.getOrDefault(c.groupId(), -1L));
        assertThat(c.index()).isGreaterThan(lastCompletedIndex.getOrDefault(c.groupId(), 0L));
        lastCookie.put(c.groupId(), c.cookie());
        lastCompletedIndex.put(c.groupId(), c.index());
      }
    }
    assertThat(metrics.syncs()).isEqualTo(metrics.batches()).isLessThan((long) producers * perProducer);
    loops.values().forEach(ExecutorService::shutdownNow);
  }
}
