package io.chronik.pipeline.commit;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.metrics.PipelineMetrics;
import io.chronik.pipeline.produce.ProposalSink;
import java.io.IOException;
import java.util.function.IntToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the leader's local log: every proposal of a Disruptor batch is appended to the
 * {@link DurableWriter}, then ONE sync makes the whole batch durable across all groups of the node,
 * after which acks=1 appends complete. acks=all appends stay in the {@link CompletionRegistry} until
 * a commit notification ({@code registry.committed}) covers them.
 *
 * <p>Indexes are assigned here, per group, after the log's last index given at start (from 1 when empty), in
 * proposal order; {@code term} is fixed for the stage's lifetime. After a failed write or fsync
 * nothing later is trusted (an fsync error may have dropped dirty pages): every pending and every
 * later append completes STORAGE_ERROR.
 */
public final class GroupCommitStage implements ProposalSink {
  private static final Logger log = LoggerFactory.getLogger(GroupCommitStage.class);

  private final DurableWriter writer;
  private final CompletionRegistry registry;
  private final PipelineMetrics metrics;
  private final long term;
  private final long[] nextIndex;
  /** Groups appended to in the current batch and their last index, for one durable() call. */
  private final int[] batchGroups;
  private final long[] batchLastIndexes;
  private final boolean[] inBatch;
  private int batchGroupCount;
  private boolean failed;

  public GroupCommitStage(DurableWriter writer, CompletionRegistry registry, PipelineMetrics metrics, long term) {
    this(writer, registry, metrics, term, groupId -> 0);
  }

  /** @param lastIndexOfGroup where each group's log ends already (e.g. {@link SegmentedLogWriter#lastIndex}) */
  public GroupCommitStage(DurableWriter writer, CompletionRegistry registry, PipelineMetrics metrics, long term,
      IntToLongFunction lastIndexOfGroup) {
    this.writer = writer;
    this.registry = registry;
    this.metrics = metrics;
    this.term = term;
    int groupsMax = registry.groupsMax();
    this.nextIndex = new long[groupsMax];
    for (int g = 0; g < groupsMax; g++) {
      nextIndex[g] = lastIndexOfGroup.applyAsLong(g) + 1;
    }
    this.batchGroups = new int[groupsMax];
    this.batchLastIndexes = new long[groupsMax];
    this.inBatch = new boolean[groupsMax];
  }

  @Override
  public void propose(AppendBatchView proposal) {
    if (failed) {
      registry.reject(proposal, AppendStatus.STORAGE_ERROR);
      return;
    }
    int groupId = proposal.groupId();
    long first = nextIndex[groupId];
    try {
      for (int i = 0; i < proposal.size(); i++) {
        writer.append(groupId, first + i, term, proposal.payload(i));
      }
    } catch (IOException e) {
      fail(e);
      registry.reject(proposal, AppendStatus.STORAGE_ERROR);
      return;
    }
    nextIndex[groupId] = first + proposal.size();
    registry.register(proposal, first, term);
    if (!inBatch[groupId]) {
      inBatch[groupId] = true;
      batchGroups[batchGroupCount++] = groupId;
    }
  }

  @Override
  public void endOfBatch() {
    if (batchGroupCount == 0) {
      return;
    }
    for (int i = 0; i < batchGroupCount; i++) {
      batchLastIndexes[i] = nextIndex[batchGroups[i]] - 1;
      inBatch[batchGroups[i]] = false;
    }
    int count = batchGroupCount;
    batchGroupCount = 0;
    if (failed) {
      return;
    }
    long started = System.nanoTime();
    try {
      writer.sync();
    } catch (IOException e) {
      fail(e);
      return;
    } finally {
      metrics.recordSync(System.nanoTime() - started);
    }
    registry.durable(batchGroups, batchLastIndexes, count);
  }

  /** Next index the stage will assign in {@code groupId}. */
  public long nextIndex(int groupId) {
    return nextIndex[groupId];
  }

  private void fail(IOException e) {
    if (!failed) {
      log.error("stage=group-commit reason=storage-failed", e);
    }
    failed = true;
    registry.failAll(AppendStatus.STORAGE_ERROR);
  }
}
