package io.chronik.verifier.linearizability;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a running check, for progress lines; searches publish every few thousand steps. */
public final class Progress {
  final AtomicLong steps = new AtomicLong();
  final AtomicInteger partitionsDone = new AtomicInteger();
  volatile int partitionsTotal;

  public long steps() {
    return steps.get();
  }

  public int partitionsDone() {
    return partitionsDone.get();
  }

  public int partitionsTotal() {
    return partitionsTotal;
  }
}
