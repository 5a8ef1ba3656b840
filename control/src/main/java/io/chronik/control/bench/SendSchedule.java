package io.chronik.control.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The open-loop send plan shared by every producer thread. With a target rate the i-th record
 * (over all threads) is due at {@code start + i / rate}, whatever happened to earlier records, and its
 * latency is measured from that intended time: a stalled broker then shows up as the latency of every
 * record that should have been sent during the stall (no coordinated omission), not as a gap.
 * Unthrottled, a record is due the moment it is claimed.
 *
 * <p>Invariant: each sequence number is claimed by exactly one thread; none is claimed at or after
 * {@code recordsMax}, and none whose due time is at or past the end of the run.
 */
final class SendSchedule {
  /** Returned by {@link #claim()} when the run has no more records to send. */
  static final long DONE = Long.MIN_VALUE;

  private final LongSupplier clock;
  private final long startNanos;
  private final double nanosPerRecord;
  private final long recordsMax;
  private final long endNanos;
  private final long warmupEndNanos;
  private final AtomicLong nextSeq = new AtomicLong();

  /**
   * @param ratePerSecond target records per second over all threads; 0 = as fast as possible
   * @param recordsMax records to send, 0 = no limit
   * @param durationNanos run length from {@code startNanos}, 0 = no limit
   * @param warmupNanos records due before {@code startNanos + warmupNanos} are not measured
   */
  SendSchedule(LongSupplier clock, long startNanos, double ratePerSecond, long recordsMax, long durationNanos,
      long warmupNanos) {
    if (ratePerSecond < 0 || recordsMax < 0 || durationNanos < 0 || warmupNanos < 0) {
      throw new IllegalArgumentException("rate=" + ratePerSecond + " records=" + recordsMax + " durationNanos="
          + durationNanos + " warmupNanos=" + warmupNanos + " reason=negative");
    }
    if (recordsMax == 0 && durationNanos == 0) {
      throw new IllegalArgumentException("reason=need a record count or a duration");
    }
    this.clock = clock;
    this.startNanos = startNanos;
    this.nanosPerRecord = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
    this.recordsMax = recordsMax == 0 ? Long.MAX_VALUE : recordsMax;
    this.endNanos = durationNanos == 0 ? Long.MAX_VALUE : startNanos + durationNanos;
    this.warmupEndNanos = startNanos + warmupNanos;
  }

  /**
   * Claims the next record and returns its intended send time (clock nanos), or {@link #DONE}. The
   * caller sends it at that time ({@link #awaitDue}) and measures latency from it.
   */
  long claim() {
    long seq = nextSeq.getAndIncrement();
    if (seq >= recordsMax) {
      return DONE;
    }
    long due = nanosPerRecord == 0 ? clock.getAsLong() : startNanos + (long) (seq * nanosPerRecord);
    return due >= endNanos ? DONE : due;
  }

  /** Parks until {@code dueNanos}; returns at once when it is already past (catching up after a stall). */
  void awaitDue(long dueNanos) {
    long wait;
    while ((wait = dueNanos - clock.getAsLong()) > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  /** Whether a record due at {@code dueNanos} counts in the results (it is past the warm-up). */
  boolean measured(long dueNanos) {
    return dueNanos >= warmupEndNanos;
  }

  long startNanos() {
    return startNanos;
  }

  long warmupEndNanos() {
    return warmupEndNanos;
  }

  boolean throttled() {
    return nanosPerRecord != 0;
  }
}
