package io.chronik.pipeline.produce;

import com.lmax.disruptor.EventHandler;
import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.metrics.PipelineMetrics;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Disruptor handler: whatever the ring holds when it wakes is one batch. It groups the batch's
 * appends by group and, at {@code endOfBatch}, hands the sink one proposal per group (appends in ring
 * order), then tells the sink the batch ended, so the sink syncs once per batch.
 *
 * <p>A proposal holds at most batchRecordsMax appends and batchBytesMax bytes: the append that would
 * overflow it first emits the group's proposal so far (the split keeps order, because the sink sees
 * the group's proposals in sequence). Slots are released by the Disruptor only after the batch's last
 * {@code onEvent} returns, so proposals can point into the ring without copying.
 *
 * <p>Errors are never only logged: an append the batcher cannot add, or a proposal the sink threw on,
 * completes {@link AppendStatus#FAILED} and releases its {@link InFlightLimit} permit, and a batch's end
 * is handled even when its last append failed (no proposal keeps pointing into released slots).
 */
final class PartitionBatcher implements EventHandler<AppendEvent> {
  private static final Logger log = LoggerFactory.getLogger(PartitionBatcher.class);

  private final ProposalSink sink;
  private final InFlightLimit inFlight;
  private final PipelineMetrics metrics;
  private final int batchRecordsMax;
  private final long batchBytesMax;
  private final Proposal[] proposals;
  /** Groups in order of first appearance in the current batch. */
  private final int[] touchedGroups;
  private int touchedCount;
  private int batchRecords;
  private long batchBytes;
  private int batchProposals;

  PartitionBatcher(PipelineConfig config, ProposalSink sink, InFlightLimit inFlight, PipelineMetrics metrics) {
    this.sink = sink;
    this.inFlight = inFlight;
    this.metrics = metrics;
    this.batchRecordsMax = config.batchRecordsMax();
    this.batchBytesMax = config.batchBytesMax();
    this.proposals = new Proposal[config.groupsMax()]; // created at a group's first append
    this.touchedGroups = new int[config.groupsMax()];
  }

  @Override
  public void onEvent(AppendEvent event, long sequence, boolean endOfBatch) {
    try {
      add(event);
    } catch (RuntimeException e) {
      log.error("ring=produce sequence={} group={} reason=append-not-batched", sequence, event.groupId, e);
      complete(event.callback, event.executor, event.cookie, event.groupId);
      inFlight.release(1);
      metrics.recordFailedAppends(1);
      event.clear();
    } finally {
      if (endOfBatch) {
        endBatch();
      }
    }
  }

  private void add(AppendEvent event) {
    Proposal proposal = proposals[event.groupId];
    if (proposal == null) {
      proposal = new Proposal(event.groupId);
      proposals[event.groupId] = proposal;
    }
    if (!proposal.touched) {
      proposal.touched = true;
      touchedGroups[touchedCount++] = event.groupId;
    }
    long payloadBytes = event.payload.remaining();
    if (proposal.size() > 0
        && (proposal.size() + 1 > batchRecordsMax || proposal.bytes() + payloadBytes > batchBytesMax)) {
      emit(proposal);
    }
    proposal.add(event);
    batchRecords++;
    batchBytes += payloadBytes;
  }

  private void endBatch() {
    try {
      for (int i = 0; i < touchedCount; i++) {
        Proposal proposal = proposals[touchedGroups[i]];
        try {
          if (proposal.size() > 0) {
            emit(proposal);
          }
        } finally {
          proposal.touched = false; // even if the sink threw: the next batch must see the group again
        }
      }
      // recorded before the sink's sync completes the batch's appends, so whoever sees a completion sees its batch
      metrics.recordBatch(batchRecords, batchBytes, touchedCount, batchProposals);
      sink.endOfBatch();
    } finally {
      touchedCount = 0;
      batchRecords = 0;
      batchBytes = 0;
      batchProposals = 0;
    }
  }

  private void emit(Proposal proposal) {
    try {
      sink.propose(proposal);
    } catch (RuntimeException e) {
      log.error("ring=produce group={} appends={} reason=sink-failed", proposal.groupId(), proposal.size(), e);
      fail(proposal);
    } finally {
      proposal.reset();
    }
    batchProposals++;
  }

  /** Completes every append of a proposal the sink did not take FAILED and releases their permits. */
  private void fail(AppendBatchView proposal) {
    for (int i = 0; i < proposal.size(); i++) {
      complete(proposal.callback(i), proposal.executor(i), proposal.cookie(i), proposal.groupId());
    }
    inFlight.release(proposal.size());
    metrics.recordFailedAppends(proposal.size());
  }

  private static void complete(AppendCallback callback, Executor executor, long cookie, int groupId) {
    if (callback == null) {
      return; // acks=0 without a completion target
    }
    try {
      executor.execute(() -> callback.onAppendCompleted(cookie, groupId, AppendStatus.FAILED, AppendCallback.NO_INDEX,
          AppendCallback.NO_OFFSET, AppendCallback.NO_REFUSAL));
    } catch (RejectedExecutionException e) {
      log.warn("group={} cookie={} reason=completion-executor-rejected", groupId, cookie);
    }
  }
}
