package io.chronik.pipeline.driver;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.pipeline.produce.ProposalSink;
import java.util.concurrent.locks.LockSupport;

/**
 * Connects the produce pipeline's batcher to the {@link RaftDriver}: each proposal is detached from
 * the ring and queued; when the driver's queue is full the batcher waits here (it is not a Netty
 * thread), the ring fills behind it and publishers get back-pressure. The driver is woken once per
 * batch, at {@code endOfBatch}.
 */
public final class DriverProposalSink implements ProposalSink {
  private final RaftDriver<?> driver;
  private final CompletionRegistry registry;
  private final long parkNanos;

  DriverProposalSink(RaftDriver<?> driver, CompletionRegistry registry, long idleParkNanos) {
    this.driver = driver;
    this.registry = registry;
    this.parkNanos = Math.min(idleParkNanos, 100_000);
  }

  @Override
  public void propose(AppendBatchView proposal) {
    DetachedProposal detached = DetachedProposal.copyOf(proposal);
    while (!driver.offerProposal(detached)) {
      if (!driver.accepting()) {
        registry.reject(detached, driver.failed() ? AppendStatus.STORAGE_ERROR : AppendStatus.SHUTDOWN);
        return;
      }
      driver.wake();
      LockSupport.parkNanos(this, parkNanos);
    }
  }

  @Override
  public void endOfBatch() {
    driver.wake();
  }
}
