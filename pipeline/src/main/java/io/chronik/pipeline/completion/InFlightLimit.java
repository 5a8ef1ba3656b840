package io.chronik.pipeline.completion;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds appends published but not yet completed (ring slots plus those waiting for a sync or a
 * commit), so a slow disk or a slow quorum turns into back-pressure instead of unbounded memory.
 */
public final class InFlightLimit {
  private final long appendsMax;
  private final AtomicLong appends = new AtomicLong();

  public InFlightLimit(long appendsMax) {
    if (appendsMax <= 0) {
      throw new IllegalArgumentException("appendsMax=" + appendsMax + " reason=not-positive");
    }
    this.appendsMax = appendsMax;
  }

  /** @return false (back-pressure) when the limit is reached */
  public boolean tryAcquire() {
    if (appends.incrementAndGet() > appendsMax) {
      appends.decrementAndGet();
      return false;
    }
    return true;
  }

  public void release(long count) {
    long after = appends.addAndGet(-count);
    assert after >= 0 : "appends=" + after + " reason=released-more-than-acquired";
  }

  public long inFlight() {
    return appends.get();
  }

  public long appendsMax() {
    return appendsMax;
  }
}
