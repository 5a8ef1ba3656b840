package io.chronik.pipeline.produce;

import io.chronik.pipeline.completion.AppendBatchView;
import java.util.ArrayList;
import java.util.List;

/** Passes proposals through to the real sink and records what the batcher emitted, in order. */
final class RecordingSink implements ProposalSink {
  /** "propose group=G size=N" or "end". */
  private final List<String> calls = new ArrayList<>();
  private final ProposalSink next;
  /** Per proposal, its appends' group incarnations as a copy for the driver thread holds them. */
  private final List<List<Integer>> incarnations = new ArrayList<>();

  RecordingSink(ProposalSink next) {
    this.next = next;
  }

  @Override
  public void propose(AppendBatchView proposal) {
    synchronized (calls) {
      calls.add("propose group=" + proposal.groupId() + " size=" + proposal.size());
      io.chronik.pipeline.driver.DetachedProposal copy = io.chronik.pipeline.driver.DetachedProposal.copyOf(proposal);
      List<Integer> of = new ArrayList<>();
      for (int i = 0; i < copy.size(); i++) {
        of.add(copy.incarnation(i));
      }
      incarnations.add(of);
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

  List<List<Integer>> incarnations() {
    synchronized (calls) {
      return new ArrayList<>(incarnations);
    }
  }

  List<String> calls() {
    synchronized (calls) {
      return new ArrayList<>(calls);
    }
  }
}
