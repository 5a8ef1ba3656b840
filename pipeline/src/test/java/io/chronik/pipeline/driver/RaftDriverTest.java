package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.pipeline.commit.GatedWriter;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionLog;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.PipelineConfig;
import io.chronik.pipeline.produce.ProducePipeline;
import io.chronik.pipeline.produce.PublishResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftDriverTest {
  private static final int GROUPS = 6;
  private static final long TERM = 3;

  @TempDir
  Path dir;

  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
  private final CompletionLog completions = new CompletionLog();
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final InFlightLimit inFlight = new InFlightLimit(100_000);
  private final CompletionRegistry registry = new CompletionRegistry(GROUPS, inFlight);
  private final RecordingTransport transport = new RecordingTransport();
  private GatedWriter writer;
  private RaftDriver<TestMessage> driver;

  /** Records what the driver sent, per send call and flush. */
  static final class RecordingTransport implements PeerTransport<TestMessage> {
    final List<String> calls = new ArrayList<>();

    @Override
    public synchronized void send(int nodeId, List<TestMessage> messages) {
      calls.add("send node=" + nodeId + " messages=" + messages.size());
    }

    @Override
    public synchronized void flush() {
      calls.add("flush");
    }

    synchronized List<String> calls() {
      return new ArrayList<>(calls);
    }
  }

  private final List<SingleReplicaGroup> groups = new ArrayList<>();
  private final FailureLog failures = new FailureLog();

  /** What the driver told its failure listener, in order. */
  static final class FailureLog {
    private final List<DriverFailure> reasons = new ArrayList<>();
    private final List<Throwable> causes = new ArrayList<>();
    private final java.util.concurrent.Semaphore arrivals = new java.util.concurrent.Semaphore(0);

    synchronized void record(DriverFailure reason, Throwable cause) {
      reasons.add(reason);
      causes.add(cause);
      arrivals.release();
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
      return arrivals.tryAcquire(timeout, unit);
    }

    synchronized List<DriverFailure> reasons() {
      return List.copyOf(reasons);
    }

    synchronized List<Throwable> causes() {
      return List.copyOf(causes);
    }
  }

  private void start(boolean leader) throws Exception {
    writer = new GatedWriter(dir.resolve("node.log"));
    for (int g = 0; g < GROUPS; g++) {
      groups.add(new SingleReplicaGroup(g, writer, leader, TERM, 1, 2));
    }
    driver = new RaftDriver<>(new DriverConfig(3, 64, 64, 1024, 1_000_000), List.copyOf(groups), writer, transport,
        (group, ready) -> { }, registry, metrics, TestMessage::groupId, failures::record);
  }

  /** Queues a proposal as the produce pipeline would: one in-flight permit per append. */
  private boolean offer(TestBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      assertThat(inFlight.tryAcquire()).isTrue();
    }
    return driver.offerProposal(DetachedProposal.copyOf(batch));
  }

  @AfterEach
  void stop() throws Exception {
    if (driver != null) {
      driver.close();
    }
    if (writer != null) {
      writer.close();
    }
    loop.shutdownNow();
  }

  @Test
  void persistsEveryGroupsReadyWithOneSyncPerLoop() throws Exception {
    start(true);
    for (int g = 0; g < GROUPS; g++) {
      assertThat(offer(new TestBatch(g, 5, g * 100L, Acks.LEADER, completions,
          loop))).isTrue();
      assertThat(offer(new TestBatch(g, 2, g * 100L + 50, Acks.ALL,
          completions, loop))).isTrue();
    }
    driver.runOnce();
    // all six groups' entries went out with exactly one sync; acks=1 completes, acks=all waits
    assertThat(writer.appends()).isEqualTo(GROUPS * 7);
    assertThat(writer.syncs()).isEqualTo(1);
    assertThat(completions.await(GROUPS * 5, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::cookie).allMatch(c -> c % 100 < 50);
    assertThat(registry.pending()).isEqualTo(GROUPS * 2);

    // next loop: the commit (one-member groups) completes acks=all; its hard state costs one more sync
    driver.runOnce();
    assertThat(completions.await(GROUPS * 2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status).containsOnly(AppendStatus.SUCCESS);
    assertThat(registry.pending()).isZero();
    assertThat(writer.syncs()).isEqualTo(2);
    assertThat(driver.syncs()).isEqualTo(driver.loops()).isEqualTo(2);
    assertThat(inFlight.inFlight()).isZero();
    // per-loop metrics: loop 1 proposed and persisted 42 entries of 6 groups, loop 2 none
    assertThat(metrics.driverLoops()).isEqualTo(2);
    assertThat(metrics.snapshot().loopEntries().getMaxValue()).isEqualTo(GROUPS * 7);
    assertThat(metrics.snapshot().loopAppends().getMaxValue()).isEqualTo(GROUPS * 7);
    assertThat(metrics.snapshot().loopGroups().getMaxValue()).isEqualTo(GROUPS);
  }

  @Test
  void coalescesMessagesPerPeerWithOneFlushPerLoop() throws Exception {
    start(true);
    driver.tick();
    driver.runOnce();
    // six groups heartbeat nodes 1 and 2: one send per peer carrying all groups, one flush, no sync
    assertThat(transport.calls()).containsExactly("send node=1 messages=6", "send node=2 messages=6", "flush");
    assertThat(writer.syncs()).isZero();
  }

  @Test
  void proposalsToAFollowerCompleteNotLeader() throws Exception {
    start(false);
    assertThat(offer(new TestBatch(1, 3, 0, Acks.ALL, completions, loop)))
        .isTrue();
    driver.runOnce();
    assertThat(completions.await(3, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.NOT_LEADER);
    assertThat(writer.appends()).isZero();
  }

  @Test
  void refusedProposalsCompleteOverloaded() throws Exception {
    start(true);
    groups.get(2).uncommittedMax = 4;
    assertThat(offer(new TestBatch(2, 3, 0, Acks.ALL, completions, loop))).isTrue();
    assertThat(offer(new TestBatch(2, 3, 10, Acks.ALL, completions, loop))).isTrue();
    driver.runOnce();
    assertThat(completions.await(3, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::cookie).containsExactly(10L, 11L, 12L);
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.OVERLOADED);
    driver.runOnce();
    assertThat(completions.await(3, 10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCommitBeyondTheDurableIndexStopsTheDriverBeforeAnyAck() throws Exception {
    start(true);
    assertThat(offer(new TestBatch(1, 2, 0, Acks.ALL, completions, loop))).isTrue();
    driver.runOnce();
    groups.get(1).durableLost = true;
    assertThatThrownBy(driver::runOnce).isInstanceOf(IllegalStateException.class)
        .hasMessage("group=1 commit=2 durable=0 reason=commit-beyond-durable");
    assertThat(completions.completed()).isEmpty();
    assertThat(registry.pending()).isEqualTo(2);
  }

  @Test
  void aFailedSyncStopsTheDriverFailsEveryAppendAndTellsTheListenerOnce() throws Exception {
    start(true);
    assertThat(offer(new TestBatch(0, 2, 0, Acks.ALL, completions, loop))).isTrue();
    driver.runOnce();
    driver.runOnce(); // committed: acks=all succeeds while the disk works
    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(offer(new TestBatch(1, 3, 10, Acks.LEADER, completions, loop))).isTrue();
    assertThat(offer(new TestBatch(2, 2, 20, Acks.ALL, completions, loop))).isTrue();
    IOException enospc = new IOException("No space left on device");
    writer.failSyncs(enospc);

    driver.runOnce();
    assertThat(completions.await(5, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed().subList(2, 7)).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.STORAGE_ERROR);
    assertThat(failures.reasons()).containsExactly(DriverFailure.STORAGE_FAILED);
    assertThat(failures.causes()).containsExactly(enospc);
    assertThat(inFlight.inFlight()).isZero();
    assertThat(registry.pending()).isZero();
    // stopped for good: nothing more is accepted, no loop runs, the listener hears it once
    assertThat(driver.accepting()).isFalse();
    assertThat(driver.failed()).isTrue();
    assertThat(driver.offerTask(() -> { })).isFalse();
    TestBatch late = new TestBatch(3, 1, 30, Acks.ALL, completions, loop);
    assertThat(inFlight.tryAcquire()).isTrue();
    assertThat(driver.offerProposal(DetachedProposal.copyOf(late))).isFalse();
    driver.proposalSink().propose(late);
    assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed().get(7).status()).isEqualTo(AppendStatus.STORAGE_ERROR);
    int syncsBefore = writer.syncs();
    driver.tick();
    assertThat(driver.runOnce()).isZero();
    assertThat(writer.syncs()).isEqualTo(syncsBefore);
    assertThat(failures.reasons()).hasSize(1);
  }

  @Test
  void aCommitBeyondTheDurableIndexOnTheDriverThreadFailsAppendsAndTellsTheListener() throws Exception {
    start(true);
    assertThat(offer(new TestBatch(1, 2, 0, Acks.ALL, completions, loop))).isTrue();
    driver.runOnce();
    groups.get(1).durableLost = true;
    driver.start(r -> new Thread(r, "raft-driver"));
    assertThat(failures.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failures.reasons()).containsExactly(DriverFailure.COMMIT_BEYOND_DURABLE);
    assertThat(failures.causes().get(0)).hasMessage("group=1 commit=2 durable=0 reason=commit-beyond-durable");
    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.STORAGE_ERROR);
    assertThat(driver.accepting()).isFalse();
  }

  @Test
  void aTaskFailingOnIoStopsTheDriverWhileOtherTaskFailuresAreCounted() throws Exception {
    start(true);
    driver.start(r -> new Thread(r, "raft-driver"));
    java.util.concurrent.CountDownLatch ranAfter = new java.util.concurrent.CountDownLatch(1);
    assertThat(driver.offerTask(() -> {
      throw new IllegalArgumentException("reason=bug-in-a-task");
    })).isTrue();
    assertThat(driver.offerTask(ranAfter::countDown)).isTrue();
    assertThat(ranAfter.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(driver.tasksFailed()).isEqualTo(1);
    assertThat(driver.accepting()).isTrue();
    assertThat(failures.reasons()).isEmpty();

    assertThat(driver.offerTask(() -> {
      throw new java.io.UncheckedIOException(new IOException("Input/output error"));
    })).isTrue();
    assertThat(failures.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(failures.reasons()).containsExactly(DriverFailure.STORAGE_FAILED);
    assertThat(failures.causes().get(0)).hasRootCauseMessage("Input/output error");
    assertThat(driver.accepting()).isFalse();
  }

  @Test
  void proposalsAfterCloseCompleteShutdown() throws Exception {
    start(true);
    driver.start(r -> new Thread(r, "raft-driver"));
    driver.close();
    TestBatch batch = new TestBatch(0, 2, 0, Acks.LEADER, completions, loop);
    for (int i = 0; i < batch.size(); i++) {
      assertThat(inFlight.tryAcquire()).isTrue();
    }
    driver.proposalSink().propose(batch);
    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.SHUTDOWN);
    assertThat(inFlight.inFlight()).isZero();
  }

  @Test
  void higherTermFailsAppendsAwaitingCommit() throws Exception {
    start(true);
    assertThat(offer(new TestBatch(0, 2, 0, Acks.ALL, completions, loop)))
        .isTrue();
    driver.runOnce();
    assertThat(registry.pending()).isEqualTo(2);
    assertThat(driver.offerInbound(new TestMessage(0, 0, TERM + 1, "vote-request"))).isTrue();
    driver.runOnce();
    // the group stepped down before committing: the outcome is unknown, the client must retry
    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsOnly(AppendStatus.NOT_LEADER);
    assertThat(registry.pending()).isZero();
  }

  @Test
  void producePipelineFeedsTheDriverThread() throws Exception {
    start(true);
    driver.start(r -> new Thread(r, "raft-driver"));
    PipelineConfig config = new PipelineConfig(256, GROUPS, 512, 1 << 20, 4096);
    int appends = 4_000;
    try (ProducePipeline pipeline = new ProducePipeline(config, driver.proposalSink(), inFlight, metrics,
        r -> new Thread(r, "batcher"))) {
      List<Thread> producers = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int producer = p;
        producers.add(new Thread(() -> {
          for (int i = 0; i < appends / 2; i++) {
            ByteBuffer data = ByteBuffer.allocate(100);
            PublishResult result;
            while ((result = pipeline.tryPublish(i % GROUPS, data, i % 2 == 0 ? Acks.ALL : Acks.LEADER,
                producer * 1_000_000L + i, completions, loop)) != PublishResult.ACCEPTED) {
              assertThat(result.isBackPressure()).isTrue();
              Thread.onSpinWait();
            }
          }
        }));
      }
      producers.forEach(Thread::start);
      for (Thread t : producers) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
      assertThat(completions.await(appends, 30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status).containsOnly(AppendStatus.SUCCESS);
    assertThat(writer.appends()).isEqualTo(appends);
    assertThat(writer.syncs()).isEqualTo((int) driver.syncs());
    assertThat(driver.syncs()).isLessThanOrEqualTo(driver.loops()).isLessThan(appends);
  }
}
