package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.commit.GatedWriter;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionLog;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.node.ProposeResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group whose Ready needs slow storage work is parked while the driver's worker does it: the loop goes on
 * committing the other groups; the parked group's messages are dropped, its proposals refused NOT_LEADER
 * and its clock stopped; once the work is back its Ready is persisted and advanced as any other.
 */
class ParkedGroupsTest {
  private static final long TERM = 3;

  @TempDir
  Path dir;

  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
  private final CompletionLog completions = new CompletionLog();
  private final InFlightLimit inFlight = new InFlightLimit(100_000);
  private final CompletionRegistry registry = new CompletionRegistry(2, inFlight);
  private GatedWriter writer;
  private RaftDriver<TestMessage> driver;

  /** A one-member group whose next Ready, when asked, needs work that waits for {@link #release}. */
  private static final class SlowGroup implements DrivenGroup<TestMessage> {
    private final SingleReplicaGroup inner;
    private final CountDownLatch release = new CountDownLatch(1);
    volatile boolean workDue;
    final AtomicInteger ticks = new AtomicInteger();
    final AtomicInteger steps = new AtomicInteger();
    volatile String workThread;

    SlowGroup(SingleReplicaGroup inner) {
      this.inner = inner;
    }

    void release() {
      release.countDown();
    }

    @Override
    public Runnable slowWork(GroupReady<TestMessage> ready) {
      if (!workDue) {
        return null;
      }
      workDue = false;
      return () -> {
        workThread = Thread.currentThread().getName();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
    }

    @Override
    public int groupId() {
      return inner.groupId();
    }

    @Override
    public void tick() {
      ticks.incrementAndGet();
      inner.tick();
    }

    @Override
    public void step(TestMessage message) {
      steps.incrementAndGet();
      inner.step(message);
    }

    @Override
    public ProposeResult propose(AppendBatchView proposal) {
      return inner.propose(proposal);
    }

    @Override
    public long durableIndex() {
      return inner.durableIndex();
    }

    @Override
    public long term() {
      return inner.term();
    }

    @Override
    public boolean hasReady() {
      return inner.hasReady();
    }

    @Override
    public GroupReady<TestMessage> ready() {
      return inner.ready();
    }

    @Override
    public void persist(GroupReady<TestMessage> ready) {
      inner.persist(ready);
    }

    @Override
    public void advance(GroupReady<TestMessage> ready) {
      inner.advance(ready);
    }
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

  private boolean offer(TestBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      assertThat(inFlight.tryAcquire()).isTrue();
    }
    return driver.offerProposal(DetachedProposal.copyOf(batch));
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition before deadline").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aParkedGroupWaitsForItsWorkWhileTheLoopCommitsTheOthers() throws Exception {
    writer = new GatedWriter(dir.resolve("node.log"));
    SlowGroup slow = new SlowGroup(new SingleReplicaGroup(0, writer, true, TERM, 1));
    SingleReplicaGroup other = new SingleReplicaGroup(1, writer, true, TERM, 1);
    driver = new RaftDriver<>(new DriverConfig(2, 64, 64, 1024, 1_000_000), List.of(slow, other), writer,
        new RaftDriverTest.RecordingTransport(), (group, ready) -> { }, registry, new PipelineMetrics(),
        TestMessage::groupId, (reason, cause) -> { });
    driver.start(r -> new Thread(r, "raft-driver"));
    slow.workDue = true;
    assertThat(offer(new TestBatch(0, 1, 0, Acks.ALL, completions, loop))).isTrue();
    await(() -> driver.groupsParkedNow() == 1);

    // parked: a proposal is refused, a message dropped, ticks pass it by; the other group commits
    assertThat(offer(new TestBatch(0, 1, 10, Acks.ALL, completions, loop))).isTrue();
    assertThat(driver.offerInbound(new TestMessage(0, 0, TERM + 1, "higher-term"))).isTrue();
    for (int t = 0; t < 5; t++) {
      driver.tick();
    }
    for (int b = 0; b < 5; b++) {
      assertThat(offer(new TestBatch(1, 2, 100 + 10L * b, Acks.ALL, completions, loop))).isTrue();
    }
    assertThat(completions.await(11, 10, TimeUnit.SECONDS)).isTrue();
    await(() -> driver.messagesDroppedWhileParked() == 1);
    assertThat(completions.completed()).filteredOn(c -> c.groupId() == 1)
        .extracting(CompletionLog.Completed::status).hasSize(10).containsOnly(AppendStatus.SUCCESS);
    assertThat(completions.completed()).filteredOn(c -> c.groupId() == 0)
        .extracting(CompletionLog.Completed::cookie, CompletionLog.Completed::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(10L, AppendStatus.NOT_LEADER));
    assertThat(driver.groupsParkedNow()).isEqualTo(1);
    assertThat(slow.workThread).isEqualTo("raft-driver-storage-work");

    // the work is back: the parked Ready is persisted, advanced and its append commits
    slow.release();
    assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).filteredOn(c -> c.cookie() == 0)
        .extracting(CompletionLog.Completed::status).containsExactly(AppendStatus.SUCCESS);
    assertThat(driver.groupsParkedNow()).isZero();
    assertThat(driver.groupsParked()).isEqualTo(1);
    assertThat(slow.steps.get()).as("the dropped message never reached the group").isZero();
    driver.tick();
    await(() -> slow.ticks.get() > 0);
  }

  @Test
  void anUnstartedDriverRunsTheWorkInLineAndResumesTheGroupInTheSameLoop() throws Exception {
    writer = new GatedWriter(dir.resolve("node.log"));
    SlowGroup slow = new SlowGroup(new SingleReplicaGroup(0, writer, true, TERM, 1));
    driver = new RaftDriver<>(new DriverConfig(2, 64, 64, 1024, 1_000_000), List.of(slow), writer,
        new RaftDriverTest.RecordingTransport(), (group, ready) -> { }, registry, new PipelineMetrics(),
        TestMessage::groupId, (reason, cause) -> { });
    slow.workDue = true;
    slow.release();
    assertThat(offer(new TestBatch(0, 1, 0, Acks.LEADER, completions, loop))).isTrue();
    driver.runOnce();
    assertThat(slow.workThread).isEqualTo(Thread.currentThread().getName());
    assertThat(driver.groupsParked()).isEqualTo(1);
    assertThat(driver.groupsParkedNow()).isZero();
    assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(CompletionLog.Completed::status)
        .containsExactly(AppendStatus.SUCCESS);
  }
}
