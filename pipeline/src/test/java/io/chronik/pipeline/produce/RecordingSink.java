package io.chronik.pipeline.produce;

import io.chronik.pipeline.completion.AppendBatchView;
import java.util.ArrayList;
import java.util.List;

/** Passes proposals through to the real sink and records what the batcher emitted, in order. */
final class RecordingSink implements ProposalSink {
  /** "propose group=G size=N" or "end". */
  private final List<String> calls = new ArrayList<>();
  private final ProposalSink next;

  RecordingSink(ProposalSink next) {
    this.next = next;
  }

  @Override
  public void propose(AppendBatchView proposal) {
    synchronized (calls) {
      calls.add("propose group=" + proposal.groupId() + " size=" + proposal.size());
    }
    next.propose(proposal);
  }

  @Override
  public void endOfBatch() {
    synchronized (calls) {
      calls.add("end");
    }
    next.endOfBatch();
  }

  List<String> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }
}
