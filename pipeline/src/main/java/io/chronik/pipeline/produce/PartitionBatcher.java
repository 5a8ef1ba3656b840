package io.chronik.pipeline.produce;

import com.lmax.disruptor.EventHandler;
import io.chronik.pipeline.metrics.PipelineMetrics;

/**
 * The Disruptor handler: whatever the ring holds when it wakes is one batch. It groups the batch's
 * appends by group and, at {@code endOfBatch}, hands the sink one proposal per group (appends in ring
 * order), then tells the sink the batch ended, so the sink syncs once per batch.
 *
 * <p>A proposal holds at most batchRecordsMax appends and batchBytesMax bytes: the append that would
 * overflow it first emits the group's proposal so far (the split keeps order, because the sink sees
 * the group's proposals in sequence). Slots are released by the Disruptor only after the batch's last
 * {@code onEvent} returns, so proposals can point into the ring without copying.
 */
final class PartitionBatcher implements EventHandler<AppendEvent> {
  private final ProposalSink sink;
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

  PartitionBatcher(PipelineConfig config, ProposalSink sink, PipelineMetrics metrics) {
    this.sink = sink;
    this.metrics = metrics;
    this.batchRecordsMax = config.batchRecordsMax();
    this.batchBytesMax = config.batchBytesMax();
    this.proposals = new Proposal[config.groupsMax()]; // created at a group's first append
    this.touchedGroups = new int[config.groupsMax()];
  }

  @Override
  public void onEvent(AppendEvent event, long sequence, boolean endOfBatch) {
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
    if (endOfBatch) {
      endBatch();
    }
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
      sink.endOfBatch();
      metrics.recordBatch(batchRecords, batchBytes, touchedCount, batchProposals);
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
    } finally {
      proposal.reset();
    }
    batchProposals++;
  }
}
