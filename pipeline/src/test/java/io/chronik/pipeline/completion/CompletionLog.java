package io.chronik.pipeline.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Records completions (with the thread that ran them) and lets a test wait for a number of them. */
public final class CompletionLog implements AppendCallback {
  /** One delivered completion. */
  public record Completed(long cookie, int groupId, long index, AppendStatus status, String thread) {
  }

  private final List<Completed> completed = new ArrayList<>();
  private final Semaphore arrivals = new Semaphore(0);

  @Override
  public void onAppendCompleted(long cookie, int groupId, AppendStatus status, long index, long originalOffset,
      short refusalCode) {
    synchronized (completed) {
      completed.add(new Completed(cookie, groupId, index, status, Thread.currentThread().getName()));
    }
    arrivals.release();
  }

  /** Waits for {@code count} more completions. */
  public boolean await(int count, long timeout, TimeUnit unit) throws InterruptedException {
    return arrivals.tryAcquire(count, timeout, unit);
  }

  public List<Completed> completed() {
    synchronized (completed) {
      return new ArrayList<>(completed);
    }
  }
}
