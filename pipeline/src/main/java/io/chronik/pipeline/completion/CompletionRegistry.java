package io.chronik.pipeline.completion;

import io.chronik.raft.node.ProposeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends waiting to complete, keyed by (group, index). The commit stage registers them and reports
 * {@link #durable}; the Raft driver reports {@link #committed} and {@link #termChanged}.
 *
 * <p>Invariants: per group, appends complete strictly in index order (head of line), so a caller's
 * completions for one partition arrive in the order they were appended; an {@link Acks#ALL} append
 * completes with SUCCESS only when a commit of its own term covers it (by Raft's log matching, a
 * committed entry of term T at index c implies the leader of T's entries up to c are committed);
 * every registered append completes exactly once and then releases its {@link InFlightLimit} permit.
 *
 * <p>One lock guards everything: callers take it once per batch or per driver loop, not per message,
 * and completions are handed to their executors while it is held so that two threads completing the
 * same group cannot reorder its deliveries.
 */
public final class CompletionRegistry {
  private static final Logger log = LoggerFactory.getLogger(CompletionRegistry.class);

  private final Object lock = new Object();
  private final PendingQueue[] groups;
  private final InFlightLimit inFlight;
  /** Guarded by lock; emptied by every call that completes something. */
  private final List<Delivery> deliveries = new ArrayList<>();
  private long pending;

  public CompletionRegistry(int groupsMax, InFlightLimit inFlight) {
    this.groups = new PendingQueue[groupsMax];
    this.inFlight = inFlight;
  }

  /** The group's queue, created at its first use (guarded by lock): group ids range far beyond those in use. */
  private PendingQueue queue(int groupId) {
    PendingQueue queue = groups[groupId];
    if (queue == null) {
      queue = new PendingQueue();
      groups[groupId] = queue;
    }
    return queue;
  }

  /** Registers the batch's appends at indexes {@code firstIndex, firstIndex + 1, ...} of {@code term}. */
  public void register(AppendBatchView batch, long firstIndex, long term) {
    synchronized (lock) {
      PendingQueue queue = queue(batch.groupId());
      if (queue.size() > 0 && firstIndex <= queue.lastIndex) {
        throw new IllegalStateException("group=" + batch.groupId() + " index=" + firstIndex
            + " last=" + queue.lastIndex + " reason=index-not-increasing");
      }
      for (int i = 0; i < batch.size(); i++) {
        queue.add(firstIndex + i, term, batch.acks(i), batch.cookie(i), batch.callback(i), batch.executor(i));
      }
      pending += batch.size();
    }
  }

  /**
   * What the group did with the batch: accepted ones are registered at their indexes in {@code term};
   * refused ones complete at once NOT_LEADER or OVERLOADED.
   */
  public void proposed(AppendBatchView batch, ProposeResult result, long term) {
    switch (result.status()) {
      case ACCEPTED -> register(batch, result.firstIndex(), term);
      case NOT_LEADER -> reject(batch, AppendStatus.NOT_LEADER);
      case OVERLOADED -> reject(batch, AppendStatus.OVERLOADED);
    }
  }

  /** Completes the batch's appends at once (they were never appended), e.g. NOT_LEADER. */
  public void reject(AppendBatchView batch, AppendStatus status) {
    synchronized (lock) {
      for (int i = 0; i < batch.size(); i++) {
        collect(batch.acks(i), batch.callback(i), batch.executor(i), batch.cookie(i), batch.groupId(), status,
            AppendCallback.NO_INDEX, AppendCallback.NO_OFFSET, AppendCallback.NO_REFUSAL);
      }
      inFlight.release(batch.size());
      dispatch();
    }
  }

  /** Completes append {@code i} of the batch at once with {@code status} (e.g. OVERLOADED): it is not appended. */
  public void rejectOne(AppendBatchView batch, int i, AppendStatus status) {
    completeUnappended(batch, i, status, AppendCallback.NO_OFFSET, AppendCallback.NO_REFUSAL);
  }

  /** Completes append {@code i} DUPLICATE of an original the application placed at {@code originalOffset}. */
  public void duplicate(AppendBatchView batch, int i, long originalOffset) {
    completeUnappended(batch, i, AppendStatus.DUPLICATE, originalOffset, AppendCallback.NO_REFUSAL);
  }

  /** Completes append {@code i} REFUSED by the application with its {@code refusalCode}. */
  public void refuse(AppendBatchView batch, int i, short refusalCode) {
    completeUnappended(batch, i, AppendStatus.REFUSED, AppendCallback.NO_OFFSET, refusalCode);
  }

  private void completeUnappended(AppendBatchView batch, int i, AppendStatus status, long originalOffset,
      short refusalCode) {
    synchronized (lock) {
      collect(batch.acks(i), batch.callback(i), batch.executor(i), batch.cookie(i), batch.groupId(), status,
          AppendCallback.NO_INDEX, originalOffset, refusalCode);
      inFlight.release(1);
      dispatch();
    }
  }

  /** The leader's own log of {@code groupId} is durable up to {@code index}: acks=1 may complete. */
  public void durable(int groupId, long index) {
    synchronized (lock) {
      markDurable(groupId, index);
      dispatch();
    }
  }

  /** {@link #durable(int, long)} for many groups under one lock (one sync covered them all). */
  public void durable(int[] groupIds, long[] indexes, int count) {
    synchronized (lock) {
      for (int i = 0; i < count; i++) {
        markDurable(groupIds[i], indexes[i]);
      }
      dispatch();
    }
  }

  /**
   * A majority has {@code groupId}'s log durably up to {@code commitIndex}, whose entry has term
   * {@code commitTerm}: appends of that term up to it complete. Appends of an older term still pending
   * here are ambiguous (possibly overwritten) and fail NOT_LEADER, as {@link #termChanged} would have.
   */
  public void committed(int groupId, long commitIndex, long commitTerm) {
    synchronized (lock) {
      PendingQueue queue = groups[groupId];
      if (queue == null) {
        // nothing registered, and nothing will be at or below the commit index (new appends go after the
        // log's end): so no state either, nor for a group forgotten earlier in the driver's loop, whose
        // commit must not become the durable index of the next group under its id
        return;
      }
      while (queue.size() > 0 && queue.headIndex() <= commitIndex) {
        AppendStatus status = queue.headTerm() == commitTerm ? AppendStatus.SUCCESS : AppendStatus.NOT_LEADER;
        completeHead(groupId, queue, status);
      }
      if (queue.durableIndex < commitIndex) {
        queue.durableIndex = commitIndex;
      }
      drainDurable(groupId, queue);
      dispatch();
    }
  }

  /**
   * The group's term moved past appends registered in older terms (leadership lost or re-won): their
   * outcome is unknown, so they complete NOT_LEADER and the client retries (idempotent producers
   * de-duplicate).
   */
  public void termChanged(int groupId, long newTerm) {
    synchronized (lock) {
      PendingQueue queue = queue(groupId);
      while (queue.size() > 0 && queue.headTerm() < newTerm) {
        completeHead(groupId, queue, AppendStatus.NOT_LEADER);
      }
      dispatch();
    }
  }

  /**
   * The group left the node for good (its partition was deleted) and its id may be handed to a new
   * group: every append still pending fails NOT_LEADER and the group's state here (its durable index
   * among it) is dropped, so the next group under the id starts from nothing: an acks=1 append of the
   * new group is never taken as durable by the old group's index (nor by a commit of the old group the
   * driver still reports in the loop that removed it: {@link #committed} keeps no state for an unknown id).
   */
  public void forget(int groupId) {
    synchronized (lock) {
      PendingQueue queue = groups[groupId];
      while (queue != null && queue.size() > 0) {
        completeHead(groupId, queue, AppendStatus.NOT_LEADER);
      }
      groups[groupId] = null;
      dispatch();
    }
  }

  /** Completes every pending append with {@code status} (storage failure, shutdown). */
  public void failAll(AppendStatus status) {
    synchronized (lock) {
      for (int g = 0; g < groups.length; g++) {
        PendingQueue queue = groups[g];
        while (queue != null && queue.size() > 0) {
          completeHead(g, queue, status);
        }
      }
      dispatch();
    }
  }

  /** Appends registered and not yet completed. */
  public long pending() {
    synchronized (lock) {
      return pending;
    }
  }

  public int groupsMax() {
    return groups.length;
  }

  private void markDurable(int groupId, long index) {
    PendingQueue queue = queue(groupId);
    if (queue.durableIndex < index) {
      queue.durableIndex = index;
    }
    drainDurable(groupId, queue);
  }

  /** Completes from the head while the head needs no more than local durability. */
  private void drainDurable(int groupId, PendingQueue queue) {
    while (queue.size() > 0 && queue.headAcks() != Acks.ALL && queue.headIndex() <= queue.durableIndex) {
      completeHead(groupId, queue, AppendStatus.SUCCESS);
    }
  }

  private void completeHead(int groupId, PendingQueue queue, AppendStatus status) {
    long logIndex = status == AppendStatus.SUCCESS ? queue.headIndex() : AppendCallback.NO_INDEX;
    collect(queue.headAcks(), queue.headCallback(), queue.headExecutor(), queue.headCookie(), groupId, status,
        logIndex, AppendCallback.NO_OFFSET, AppendCallback.NO_REFUSAL);
    queue.removeHead();
    pending--;
    inFlight.release(1);
  }

  private void collect(Acks acks, AppendCallback callback, Executor executor, long cookie, int groupId,
      AppendStatus status, long logIndex, long originalOffset, short refusalCode) {
    if (callback == null) {
      return; // acks=0 published without a completion target
    }
    Delivery delivery = null;
    for (int i = 0; i < deliveries.size(); i++) {
      if (deliveries.get(i).executor == executor) {
        delivery = deliveries.get(i);
        break;
      }
    }
    if (delivery == null) {
      delivery = new Delivery(executor);
      deliveries.add(delivery);
    }
    delivery.add(callback, cookie, groupId, status, logIndex, originalOffset, refusalCode);
  }

  /** Hands collected completions to their executors; called with the lock held (see class comment). */
  private void dispatch() {
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery delivery = deliveries.get(i);
      try {
        delivery.executor.execute(delivery);
      } catch (RejectedExecutionException e) {
        log.warn("completions={} reason=executor-rejected", delivery.size(), e);
      }
    }
    deliveries.clear();
  }
}
