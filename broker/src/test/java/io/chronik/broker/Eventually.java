package io.chronik.broker;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for a condition on a real cluster: polls {@code probe} until {@code done} holds or the timeout
 * passes, then fails naming what was awaited and the last value (and the last probe failure). The one
 * polling loop of the broker's integration tests; they wait on conditions, never on fixed sleeps.
 */
final class Eventually {
  private static final long POLL_MS = 100;

  private Eventually() {}

  static <T> T eventually(String what, Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception failure = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.call();
        failure = null;
        if (done.test(last)) {
          return last;
        }
      } catch (Exception e) {
        failure = e;
      }
      Thread.sleep(POLL_MS);
    }
    throw new AssertionError(what + " last=" + last, failure);
  }
}
