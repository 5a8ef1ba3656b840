package io.chronik.pipeline.driver;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's logical time. A timer thread {@link #tick}s; the driver {@link #advance}s at most one tick
 * per loop, after stepping the loop's peer messages: when a loop runs longer than a tick (a slow fsync,
 * thousands of groups electing), time slows for every group of the node instead of the backlog of ticks
 * firing every election timer at once while the heartbeats that would have reset them wait in the queue.
 * Election timeouts thus stretch with the node's own loop time (time dilation, the cure for election storms
 * at thousands of groups); Raft's safety never depends on time, and reads are confirmed by a quorum
 * (ReadIndex), not by leases.
 */
final class LogicalClock {
  private final AtomicLong pending = new AtomicLong();
  /** Logical ticks run (at most one per loop, like the groups'); driver thread. */
  private long ticks;
  private volatile long skipped;

  /** One tick arrived (any thread). */
  void tick() {
    pending.incrementAndGet();
  }

  /** Driver thread, once per loop: whether the groups tick in this loop (the ticks pending fold into one). */
  boolean advance() {
    long arrived = pending.getAndSet(0);
    if (arrived == 0) {
      return false;
    }
    ticks++;
    skipped += arrived - 1;
    return true;
  }

  /** Logical ticks run so far (driver thread). */
  long now() {
    return ticks;
  }

  /** Ticks that arrived while a loop ran long and were folded into one (any thread). */
  long skipped() {
    return skipped;
  }
}
