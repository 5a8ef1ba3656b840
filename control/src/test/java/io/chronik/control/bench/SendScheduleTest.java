package io.chronik.control.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendScheduleTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void throttledRecordsAreDueAtFixedIntervalsFromTheStartWhateverTheClockSays() {
    AtomicLong clock = new AtomicLong(1_000);
    SendSchedule s = new SendSchedule(clock::get, 1_000, 4, 0, SECOND, 0);
    // the clock never moves: an open-loop plan does not wait for the previous send to finish
    assertThat(List.of(s.claim(), s.claim(), s.claim(), s.claim(), s.claim()))
        .containsExactly(1_000L, 1_000 + SECOND / 4, 1_000 + SECOND / 2, 1_000 + 3 * SECOND / 4, SendSchedule.DONE);
  }

  @Test
  void aLateClockStillGetsTheOriginalDueTimesSoLatencyIncludesTheStall() {
    AtomicLong clock = new AtomicLong(0);
    SendSchedule s = new SendSchedule(clock::get, 0, 1000, 0, SECOND, 0);
    s.claim();
    clock.set(500 * TimeUnit.MILLISECONDS.toNanos(1)); // a 500 ms stall
    assertThat(s.claim()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
  }

  @Test
  void rateTimesDurationRecordsAreClaimedExactlyOnceAcrossThreads() throws Exception {
    SendSchedule s = new SendSchedule(() -> 0L, 0, 10_000, 0, 2 * SECOND, 0);
    Set<Long> due = ConcurrentHashMap.newKeySet();
    AtomicLong claims = new AtomicLong();
    CountDownLatch done = new CountDownLatch(4);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th = new Thread(() -> {
        long d;
        while ((d = s.claim()) != SendSchedule.DONE) {
          due.add(d);
          claims.incrementAndGet();
        }
        done.countDown();
      });
      threads.add(th);
      th.start();
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(claims.get()).isEqualTo(20_000);
    assertThat(due).hasSize(20_000);
    assertThat(due).allMatch(d -> d >= 0 && d < 2 * SECOND);
  }

  @Test
  void recordLimitEndsTheRunBeforeTheDuration() {
    SendSchedule s = new SendSchedule(() -> 0L, 0, 1000, 3, 10 * SECOND, 0);
    assertThat(List.of(s.claim(), s.claim(), s.claim())).doesNotContain(SendSchedule.DONE);
    assertThat(s.claim()).isEqualTo(SendSchedule.DONE);
    assertThat(s.claim()).as("stays done").isEqualTo(SendSchedule.DONE);
  }

  @Test
  void unthrottledRecordsAreDueWhenClaimedUntilTheEnd() {
    AtomicLong clock = new AtomicLong(100);
    SendSchedule s = new SendSchedule(clock::get, 100, 0, 0, SECOND, 0);
    assertThat(s.throttled()).isFalse();
    clock.set(700);
    assertThat(s.claim()).isEqualTo(700);
    clock.set(100 + SECOND);
    assertThat(s.claim()).isEqualTo(SendSchedule.DONE);
  }

  @Test
  void recordsDueInTheWarmupAreNotMeasured() {
    SendSchedule s = new SendSchedule(() -> 0L, 50, 10, 0, 5 * SECOND, 2 * SECOND);
    assertThat(s.warmupEndNanos()).isEqualTo(50 + 2 * SECOND);
    assertThat(s.measured(50 + 2 * SECOND - 1)).isFalse();
    assertThat(s.measured(50 + 2 * SECOND)).isTrue();
  }

  @Test
  void awaitDueParksUntilTheDueTimeAndNotLonger() {
    SendSchedule s = new SendSchedule(System::nanoTime, System.nanoTime(), 10, 0, SECOND, 0);
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
    s.awaitDue(due);
    long after = System.nanoTime();
    assertThat(after).isGreaterThanOrEqualTo(due);
    long before = System.nanoTime();
    s.awaitDue(before - SECOND);
    assertThat(System.nanoTime() - before).as("a past due time does not wait").isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void needsALimitAndNoNegativeSettings() {
    assertThatThrownBy(() -> new SendSchedule(() -> 0L, 0, 10, 0, 0, 0)).hasMessageContaining("record count or a duration");
    assertThatThrownBy(() -> new SendSchedule(() -> 0L, 0, -1, 5, 0, 0)).hasMessageContaining("negative");
  }
}
