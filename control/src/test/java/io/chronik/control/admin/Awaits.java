package io.chronik.control.admin;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for a condition on a real cluster: polls {@code probe} until {@code done} holds, or fails naming what was
 * awaited and the last value. The one polling loop of these admin tests; they wait on conditions, not sleeps.
 */
final class Awaits {
  private static final long POLL_MS = 200;

  private Awaits() {}

  static <T> T await(String what, Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    T last = probe.call();
    while (!done.test(last)) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out waiting: " + what + " last=" + last);
      }
      Thread.sleep(POLL_MS);
      last = probe.call();
    }
    return last;
  }
}
