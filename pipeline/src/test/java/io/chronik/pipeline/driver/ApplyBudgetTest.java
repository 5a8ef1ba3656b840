package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A node restarting with many groups that each have megabytes of committed entries to re-apply (a full
 * restart at 1,024 partitions after minutes of load) ran out of heap: every group handed out up to 8 MiB
 * in the same loop. The driver now gives all groups together a budget per loop.
 */
class ApplyBudgetTest {
  private static final int GROUPS = 40;
  private static final int ENTRIES = 64;
  private static final int PAYLOAD_BYTES = 16 << 10;
  private static final long BUDGET_BYTES = 256 << 10;

  @Test
  void restartedGroupsReapplyTheirLogsWithinTheLoopBudgetAndAllOfItArrives() {
    List<DrivenGroup<GroupMessage>> groups = new ArrayList<>();
    for (int g = 0; g < GROUPS; g++) {
      MemoryLogStorage storage = committedLog();
      RaftNode node = new RaftNode(0, storage, Configuration.of(List.of(0)), RaftOptions.defaults(), new SplittableRandom(g));
      groups.add(new RaftNodeGroup(g, node, storage));
    }
    long[] appliedThisLoop = new long[1];
    long[] appliedPerGroup = new long[GROUPS];
    CommitApplier<GroupMessage> applier = (group, ready) -> {
      appliedThisLoop[0] += ready.committedBytes();
      appliedPerGroup[group.groupId()] = Math.max(appliedPerGroup[group.groupId()], ready.committedIndex());
    };
    RaftDriver<GroupMessage> driver = new RaftDriver<>(
        new DriverConfig(3, 64, 64, 1024, 1_000_000, BUDGET_BYTES), groups, () -> 0L, new NoTransport(),
        applier, new CompletionRegistry(GROUPS, new InFlightLimit(1000)), new PipelineMetrics(),
        GroupMessage::groupId, (reason, cause) -> { throw new AssertionError(reason + " " + cause); });
    long totalBytes = (long) GROUPS * ENTRIES * PAYLOAD_BYTES;
    long appliedBytes = 0;
    int loops = 0;
    while (appliedBytes < totalBytes) {
      appliedThisLoop[0] = 0;
      driver.runOnce();
      assertThat(appliedThisLoop[0]).as("loop %d", loops).isLessThanOrEqualTo(BUDGET_BYTES + PAYLOAD_BYTES);
      appliedBytes += appliedThisLoop[0];
      assertThat(++loops).as("every committed entry is applied in the end").isLessThan(10_000);
    }
    assertThat(appliedBytes).isEqualTo(totalBytes);
    assertThat(appliedPerGroup).containsOnly(ENTRIES);
    assertThat(loops).as("the budget, not one entry per loop, sets the pace")
        .isLessThanOrEqualTo((int) (totalBytes / BUDGET_BYTES) + 2);
  }

  /** Storage holding {@link #ENTRIES} committed entries none of which is applied yet: a restarted group. */
  private static MemoryLogStorage committedLog() {
    MemoryLogStorage storage = new MemoryLogStorage();
    List<Entry> entries = new ArrayList<>();
    for (int i = 1; i <= ENTRIES; i++) {
      entries.add(new Entry(i, 1, EntryType.NORMAL, new byte[PAYLOAD_BYTES]));
    }
    storage.append(entries);
    storage.saveHardState(new HardState(1, 0, ENTRIES));
    return storage;
  }

  private static final class NoTransport implements PeerTransport<GroupMessage> {
    @Override
    public void send(int nodeId, List<GroupMessage> messages) {
    }

    @Override
    public void flush() {
    }
  }
}
