package io.chronik.pipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.commit.GatedWriter;
import io.chronik.pipeline.commit.GroupCommitStage;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionLog;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the batcher cannot process completes FAILED and gives its permit back; the rest goes on. */
class PartitionBatcherFailureTest {
  private static final int BROKEN_GROUP = 3;

  @TempDir
  Path dir;

  private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
  private final CompletionLog completions = new CompletionLog();
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final PipelineConfig config = new PipelineConfig(64, 8, 16, 1 << 20, 1024);
  private final InFlightLimit inFlight = new InFlightLimit(config.inFlightMax());
  private final CompletionRegistry registry = new CompletionRegistry(config.groupsMax(), inFlight);
  private GatedWriter writer;

  /** A real group-commit stage that throws for one group, as a sink with a bug would. */
  private final class BrokenForOneGroup implements ProposalSink {
    private final ProposalSink next;

    BrokenForOneGroup(ProposalSink next) {
      this.next = next;
    }

    @Override
    public void propose(AppendBatchView proposal) {
      if (proposal.groupId() == BROKEN_GROUP) {
        throw new IllegalStateException("group=" + BROKEN_GROUP + " reason=planted-sink-failure");
      }
      next.propose(proposal);
    }

    @Override
    public void endOfBatch() {
      next.endOfBatch();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (writer != null) {
      writer.close();
    }
    loop.shutdownNow();
  }

  @Test
  void aProposalTheSinkThrowsOnCompletesFailedAndReleasesItsPermits() throws Exception {
    writer = new GatedWriter(dir.resolve("node.log"));
    ProposalSink sink = new BrokenForOneGroup(new GroupCommitStage(writer, registry, metrics, 1));
    int appends = 40;
    try (ProducePipeline pipeline = new ProducePipeline(config, sink, inFlight, metrics, r -> new Thread(r, "batcher"))) {
      for (int i = 0; i < appends; i++) {
        int group = 1 + i % 4;
        while (pipeline.tryPublish(group, ByteBuffer.allocate(64), Acks.LEADER, i, completions, loop)
            != PublishResult.ACCEPTED) {
          Thread.onSpinWait();
        }
      }
      assertThat(completions.await(appends, 10, TimeUnit.SECONDS)).isTrue();
      // the pipeline still works after the failure
      assertThat(pipeline.tryPublish(1, ByteBuffer.allocate(64), Acks.LEADER, appends, completions, loop))
          .isEqualTo(PublishResult.ACCEPTED);
      assertThat(completions.await(1, 10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(completions.completed()).filteredOn(c -> c.groupId() == BROKEN_GROUP)
        .hasSize(appends / 4).extracting(CompletionLog.Completed::status).containsOnly(AppendStatus.FAILED);
    assertThat(completions.completed()).filteredOn(c -> c.groupId() != BROKEN_GROUP)
        .hasSize(appends / 4 * 3 + 1).extracting(CompletionLog.Completed::status).containsOnly(AppendStatus.SUCCESS);
    assertThat(inFlight.inFlight()).isZero();
    assertThat(metrics.failedAppends()).isEqualTo(appends / 4);
  }

  @Test
  void anAppendThatCannotBeBatchedCompletesFailedAndTheBatchStillEnds() throws Exception {
    RecordingSink sink = new RecordingSink(new ProposalSink() {
      @Override
      public void propose(AppendBatchView proposal) {
        registry.reject(proposal, AppendStatus.NOT_LEADER);
      }

      @Override
      public void endOfBatch() { }
    });
    PartitionBatcher batcher = new PartitionBatcher(config, sink, inFlight, metrics);
    AppendEvent good = event(1, ByteBuffer.allocate(10), 7);
    AppendEvent broken = event(2, null, 8); // a slot without a payload: adding it throws
    assertThat(inFlight.tryAcquire()).isTrue();
    assertThat(inFlight.tryAcquire()).isTrue();

    batcher.onEvent(good, 0, false);
    batcher.onEvent(broken, 1, true);

    assertThat(completions.await(2, 10, TimeUnit.SECONDS)).isTrue();
    assertThat(completions.completed()).extracting(c -> c.cookie() + ":" + c.status())
        .containsExactlyInAnyOrder("7:NOT_LEADER", "8:FAILED");
    assertThat(sink.calls()).containsExactly("propose group=1 size=1", "end");
    assertThat(inFlight.inFlight()).isZero();
    assertThat(broken.callback).isNull();
  }

  private AppendEvent event(int group, ByteBuffer payload, long cookie) {
    AppendEvent event = new AppendEvent();
    event.groupId = group;
    event.payload = payload;
    event.acks = Acks.LEADER;
    event.cookie = cookie;
    event.callback = completions;
    event.executor = loop;
    return event;
  }
}
