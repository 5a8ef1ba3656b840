package io.chronik.pipeline.driver;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.jctools.queues.MpscArrayQueue;

/**
 * Groups whose Ready waits for storage work too slow for the driver loop ({@link DrivenGroup#slowWork}: a
 * leader's snapshot image read back to be checked, or its entries written and forced), and the one worker
 * thread that does that work. The driver hands the work over a bounded queue and goes on with every other
 * group; the worker touches only the files the work names, which nothing else touches meanwhile, and hands it
 * back over a second queue; the loop that finds it back persists, syncs, sends and advances the Ready as any
 * other (the storage applies the work's result there, an atomic step on the driver thread).
 *
 * <p>One owner per piece of state: the driver keeps the Raft node and the group's log; the work owns its
 * files between the two hand-offs. Meanwhile the group is parked: the driver drops its peer messages, does
 * not tick it, refuses proposals for it (NOT_LEADER: it is a follower) and collects no Ready of it. Dropping
 * is safe because Raft already tolerates lost messages: the leader resends appends, heartbeats and image
 * chunks until they are answered, and a candidate whose vote request is dropped campaigns again. Its timers
 * stop, so the group cannot campaign on the silence it causes itself.
 *
 * <p>A driver that was never started (driven by {@code runOnce}, as simulations do) runs the work in line,
 * in the loop that parks the group, which then finds it back at once. Driver thread only, except the worker.
 *
 * @param <M> the peer message type
 */
final class ParkedGroups<M> implements AutoCloseable {
  private record Parked<M>(DrivenGroup<M> group, GroupReady<M> ready, Runnable work) {}

  private final Parked<M>[] byGroup;
  /** Work for the worker; a group parks once at a time, so it holds at most one per group. */
  private final ArrayBlockingQueue<Parked<M>> todo;
  /** Work done: from the worker, or from the driver itself when it ran a work in line. */
  private final MpscArrayQueue<Parked<M>> done;
  private final Runnable wakeDriver;
  private volatile Thread worker;
  private volatile boolean closed;
  private volatile int parkedNow;
  private volatile long parkedTotal;
  private volatile long messagesDropped;
  /** Time spent running work (worker, or the driver when in line). */
  private volatile long workNanos;

  @SuppressWarnings("unchecked")
  ParkedGroups(int groupsMax, Runnable wakeDriver) {
    this.byGroup = (Parked<M>[]) new Parked<?>[groupsMax];
    this.todo = new ArrayBlockingQueue<>(Math.max(1, groupsMax));
    this.done = new MpscArrayQueue<>(Math.max(2, 2 * groupsMax));
    this.wakeDriver = wakeDriver;
  }

  /** From now on the work runs on a thread of {@code threadFactory}'s, not in line. */
  void start(ThreadFactory threadFactory) {
    Thread t = threadFactory.newThread(this::work);
    t.setName(t.getName() + "-storage-work");
    worker = t;
    t.start();
  }

  boolean parked(int groupId) {
    return byGroup[groupId] != null;
  }

  /** Number of groups parked now (any thread). */
  int parkedNow() {
    return parkedNow;
  }

  /** {@code group} waits with {@code ready} until {@code work} ran. */
  void park(DrivenGroup<M> group, GroupReady<M> ready, Runnable work) {
    Parked<M> parked = new Parked<>(group, ready, work);
    byGroup[group.groupId()] = parked;
    parkedNow++;
    parkedTotal++;
    if (worker == null || !todo.offer(parked)) {
      run(parked); // not started, or (a removed group's work still queued) no room: in line, as before
    }
  }

  /** A message for a parked group, dropped (the sender retransmits). */
  void dropped() {
    messagesDropped++;
  }

  /**
   * Adds the Ready of every group whose work is done to this loop's {@code batch}; the group is no longer
   * parked and is {@code touch}ed so its next Ready is collected. Returns how many came back.
   */
  int resume(ReadyBatch<M> batch, IntConsumer touch) {
    int resumed = 0;
    for (Parked<M> p = done.poll(); p != null; p = done.poll()) {
      int id = p.group().groupId();
      if (byGroup[id] != p) {
        continue; // the group was removed meanwhile: its result has no one to go to
      }
      byGroup[id] = null;
      parkedNow--;
      batch.add(p.group(), p.ready());
      touch.accept(id);
      resumed++;
    }
    return resumed;
  }

  /** The group is no longer hosted: its work, if any, is dropped when it comes back. */
  void forget(int groupId) {
    if (byGroup[groupId] != null) {
      byGroup[groupId] = null;
      parkedNow--;
    }
  }

  /** Groups parked since start. */
  long parkedTotal() {
    return parkedTotal;
  }

  /** Peer messages dropped because their group was parked, since start. */
  long messagesDropped() {
    return messagesDropped;
  }

  private void work() {
    while (!closed) {
      Parked<M> next;
      try {
        next = todo.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next != null) {
        run(next);
      }
    }
  }

  private void run(Parked<M> parked) {
    long started = System.nanoTime();
    parked.work().run();
    workNanos += System.nanoTime() - started; // one thread at a time: the worker, or the unstarted driver's
    handBack(parked);
  }

  /** Time spent running storage work since start. */
  long workNanos() {
    return workNanos;
  }

  private void handBack(Parked<M> parked) {
    while (!done.offer(parked)) {
      LockSupport.parkNanos(100_000); // the driver drains every loop; not reached with 2 slots per group
    }
    wakeDriver.run();
  }

  /**
   * Stops the worker: a work in progress is interrupted (its file I/O fails, and it is never applied; the
   * storage finishes or drops it at the next open, as after a crash).
   */
  @Override
  public void close() {
    closed = true;
    Thread t = worker;
    if (t != null) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
