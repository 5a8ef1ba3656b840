package io.chronik.broker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Parked long-poll fetches. Each waiter is re-tried after every append; a waiter's attempt returns
 * true once it has answered (enough bytes, or its timer forced it), and is then dropped. Confined
 * to the broker's state thread.
 */
final class FetchWaiters {
  private final List<BooleanSupplier> waiters = new ArrayList<>();

  void park(BooleanSupplier attempt) {
    waiters.add(attempt);
  }

  void remove(BooleanSupplier attempt) {
    waiters.remove(attempt);
  }

  void onAppend() {
    if (waiters.isEmpty()) {
      return;
    }
    List<BooleanSupplier> snapshot = new ArrayList<>(waiters);
    for (BooleanSupplier w : snapshot) {
      if (w.getAsBoolean()) {
        waiters.remove(w);
      }
    }
  }

  int size() {
    return waiters.size();
  }
}
