package io.chronik.pipeline.commit;

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
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogWriterTest {
  private static final int GROUPS = 3;
  private static final LogConfig LOG = new LogConfig(1 << 20, 4096, 64 << 10, false);

  @TempDir
  Path dir;

  private final ExecutorService loop = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    loop.shutdownNow();
  }

  /** Publishes {@code perGroup} appends to every group through ring + group commit over the raft storage. */
  private CompletionLog produce(int perGroup, int firstSeq, GatedWriter writer, SegmentedLogWriter logs)
      throws Exception {
    PipelineConfig config = new PipelineConfig(256, GROUPS, 64, 1 << 20, 1024);
    InFlightLimit inFlight = new InFlightLimit(config.inFlightMax());
    CompletionRegistry registry = new CompletionRegistry(GROUPS, inFlight);
    PipelineMetrics metrics = new PipelineMetrics();
    CompletionLog completions = new CompletionLog();
    try (ProducePipeline pipeline = new ProducePipeline(config,
        new GroupCommitStage(writer, registry, metrics, 1, logs::lastIndex), inFlight, metrics, Thread::new)) {
      for (int seq = firstSeq; seq < firstSeq + perGroup; seq++) {
        for (int g = 0; g < GROUPS; g++) {
          ByteBuffer data = ByteBuffer.allocate(100).putInt(0, seq);
          while (pipeline.tryPublish(g, data, Acks.LEADER, seq, completions, loop) != PublishResult.ACCEPTED) {
            Thread.onSpinWait();
          }
        }
      }
      assertThat(completions.await(perGroup * GROUPS, 20, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(writer.syncs()).isEqualTo((int) metrics.batches());
    return completions;
  }

  @Test
  void groupCommitOverTheRaftStorageSurvivesReopen() throws Exception {
    SegmentedLogWriter logs = SegmentedLogWriter.open(new NioDisk(), dir, GROUPS, LOG, 2);
    GatedWriter writer = new GatedWriter(logs);
    CompletionLog first = produce(500, 0, writer, logs);
    assertThat(first.completed()).extracting(CompletionLog.Completed::status).containsOnly(AppendStatus.SUCCESS);
    assertThat(writer.syncs()).isLessThan(500 * GROUPS);
    writer.close();

    SegmentedLogWriter reopened = SegmentedLogWriter.open(new NioDisk(), dir, GROUPS, LOG, 2);
    for (int g = 0; g < GROUPS; g++) {
      assertThat(reopened.lastIndex(g)).isEqualTo(500);
      List<LogEntry> entries = reopened.log(g).read(1, 501, Long.MAX_VALUE);
      for (int i = 0; i < entries.size(); i++) {
        assertThat(ByteBuffer.wrap(entries.get(i).payload()).getInt(0)).isEqualTo(i);
      }
    }
    // a new stage continues each group's log after its recovered end
    GatedWriter again = new GatedWriter(reopened);
    CompletionLog second = produce(1, 500, again, reopened);
    assertThat(second.completed()).extracting(CompletionLog.Completed::index).containsOnly(501L);
    again.close();
  }
}
