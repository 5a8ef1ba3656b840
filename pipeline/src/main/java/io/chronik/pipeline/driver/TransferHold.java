package io.chronik.pipeline.driver;

import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.completion.CompletionRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Proposals that reached a group while its leader was handing leadership off (Raft §3.10: the leader
 * takes no new proposal during a transfer, so the successor has every entry the moment it stands).
 * Refusing them at once made clients back off (a retriable error and {@code retry.backoff.ms}, growing
 * to a second): the p99 spike of a rolling restart. Instead they wait here, in arrival order, not
 * proposed and so holding no offset, sequence or log index, and each loop the driver looks again:
 *
 * <ul>
 *   <li>still transferring: they keep waiting (the core abandons a transfer after an election timeout);
 *   <li>the transfer was abandoned (this node leads on): they are proposed as if they had just arrived;
 *   <li>it completed (this node follows): they are proposed too, which answers NOT_LEADER at once, and
 *       the client, told the new leader and its epoch (KIP-951), re-sends there without a backoff; they
 *       first wait up to {@link #LEADERLESS_WAIT_TICKS} for this node to publish that leader, so the
 *       answer can name it.
 * </ul>
 *
 * <p>Nothing is lost or doubled: every held proposal leaves exactly once, through the driver's ordinary
 * propose path (which runs the idempotent-producer checks then) or a rejection at close. Bounded by
 * {@code capacity} proposals (beyond it the old refusal, OVERLOADED, applies) and by the in-flight
 * permits each proposal already holds. Driver thread only.
 */
final class TransferHold {
  /**
   * Ticks held proposals wait, after the transfer ended, for the successor to be known here: its vote
   * round plus one append (a few milliseconds, up to a slow fsync); with 20 ms ticks 300 ms.
   */
  static final int LEADERLESS_WAIT_TICKS = 15;

  /** One group's held proposals, in arrival order. */
  private static final class Held {
    final ArrayDeque<DetachedProposal> proposals = new ArrayDeque<>();
    /** The driver tick at which the group was first seen leaderless with proposals held; -1 before. */
    long leaderlessSinceTick = -1;
  }

  private final int capacity;
  private final Map<Integer, Held> groups = new LinkedHashMap<>();
  private final List<DetachedProposal> released = new ArrayList<>();
  private int held;
  private long heldTotal;

  TransferHold(int capacity) {
    this.capacity = capacity;
  }

  boolean isEmpty() {
    return held == 0;
  }

  /** Proposals of this group are held: a new one must queue behind them to keep the group's order. */
  boolean holding(int groupId) {
    return groups.containsKey(groupId);
  }

  /** Holds the proposal behind any others of its group; false when full (the caller refuses it). */
  boolean hold(DetachedProposal proposal) {
    if (held >= capacity) {
      return false;
    }
    groups.computeIfAbsent(proposal.groupId(), g -> new Held()).proposals.add(proposal);
    held++;
    heldTotal++;
    return true;
  }

  /**
   * Hands {@code propose}, in order, every held proposal whose group ended its transfer (or no longer
   * exists here) and is not waiting for the successor to become known; {@code tick} is the driver's
   * logical clock.
   */
  void release(long tick, IntFunction<DrivenGroup<?>> group, Consumer<DetachedProposal> propose) {
    Iterator<Map.Entry<Integer, Held>> it = groups.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Integer, Held> e = it.next();
      DrivenGroup<?> g = group.apply(e.getKey());
      Held h = e.getValue();
      if (g != null && g.transferring()) {
        continue;
      }
      if (g != null && g.awaitingLeader()) {
        if (h.leaderlessSinceTick < 0) {
          h.leaderlessSinceTick = tick;
        }
        if (tick - h.leaderlessSinceTick < LEADERLESS_WAIT_TICKS) {
          continue;
        }
      }
      released.addAll(h.proposals);
      held -= h.proposals.size();
      it.remove();
    }
    try {
      released.forEach(propose);
    } finally {
      released.clear();
    }
  }

  /** Completes every held proposal with {@code status} (the driver closed or failed); none was appended. */
  void rejectAll(CompletionRegistry registry, AppendStatus status) {
    for (Held h : groups.values()) {
      for (DetachedProposal p : h.proposals) {
        registry.reject(p, status);
      }
    }
    groups.clear();
    held = 0;
  }

  /** Proposals held since start (each counted once, when it was first held). */
  long heldTotal() {
    return heldTotal;
  }
}
