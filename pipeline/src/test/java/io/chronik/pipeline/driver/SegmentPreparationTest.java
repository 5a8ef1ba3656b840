package io.chronik.pipeline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SegmentPreparationTest {

  @Test
  void aDriverNeverStartedPreparesInLine() {
    try (SegmentPreparation preparation = new SegmentPreparation()) {
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      preparation.execute(() -> ranOn.set(Thread.currentThread()));
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
      assertThat(preparation.done()).isEqualTo(1);
    }
  }

  @Test
  void aStartedOnePreparesOnItsOwnThread() throws InterruptedException {
    try (SegmentPreparation preparation = new SegmentPreparation()) {
      preparation.start(r -> new Thread(r, "node-7-driver"));
      AtomicReference<String> ranOn = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      preparation.execute(() -> {
        ranOn.set(Thread.currentThread().getName());
        ran.countDown();
      });
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ranOn.get()).isEqualTo("node-7-driver-segment-prep");
    }
  }

  @Test
  void aFullQueueRefusesAtOnceAndCountsIt() throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    try (SegmentPreparation preparation = new SegmentPreparation()) {
      preparation.start(Thread::new);
      preparation.execute(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue(); // the worker holds one, the queue is empty
      for (int i = 0; i < SegmentPreparation.QUEUE_SLOTS; i++) {
        preparation.execute(ran::incrementAndGet);
      }
      long started = System.nanoTime();
      assertThatThrownBy(() -> preparation.execute(ran::incrementAndGet))
          .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("reason=no-room");
      assertThat(System.nanoTime() - started).as("refused without waiting").isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(preparation.refused()).isEqualTo(1);
      release.countDown();
      for (int i = 0; i < 1000 && ran.get() < SegmentPreparation.QUEUE_SLOTS; i++) {
        Thread.sleep(5);
      }
      assertThat(ran.get()).isEqualTo(SegmentPreparation.QUEUE_SLOTS);
    }
  }

  @Test
  void aClosedOneRefuses() {
    SegmentPreparation preparation = new SegmentPreparation();
    preparation.start(Thread::new);
    preparation.close();
    assertThatThrownBy(() -> preparation.execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("closed=true");
  }
}
