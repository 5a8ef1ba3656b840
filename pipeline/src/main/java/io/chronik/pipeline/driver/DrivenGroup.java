package io.chronik.pipeline.driver;

import io.chronik.pipeline.completion.AppendBatchView;
import io.chronik.pipeline.completion.CompletionRegistry;
import io.chronik.raft.node.ProposeResult;

/**
 * What the {@link RaftDriver} needs from one Raft group on this node. The raft core's node
 * ({@code step}/{@code tick} → {@code Ready} → {@code advance}, storage {@code LogStorage}) satisfies it
 * through a thin adapter; this narrow interface keeps the driver loop independent of the core's
 * evolving API. All methods are called on the driver thread only.
 *
 * @param <M> the peer message type
 */
public interface DrivenGroup<M> {

  int groupId();

  /** Advances the group's logical clock by one tick (elections, heartbeats). */
  void tick();

  /** Feeds one message from a peer. */
  void step(M message);

  /**
   * Proposes the batch's payloads as consecutive log entries: accepted at the first entry's index,
   * refused NOT_LEADER when this node is not the group's leader, or OVERLOADED when the leader refuses
   * more for now (back-pressure, e.g. too many uncommitted).
   */
  ProposeResult propose(AppendBatchView proposal);

  /**
   * This node leads the group and is handing leadership to another voter (Raft §3.10), so it refuses
   * proposals until the transfer ends; the driver holds them meanwhile ({@link TransferHold}).
   */
  default boolean transferring() {
    return false;
  }

  /**
   * This node neither leads the group nor has published a known leader yet (e.g. it just stepped down
   * at the end of a transfer and has not heard from the successor): an answer NOT_LEADER now could
   * not name the new leader, so held proposals wait a little for it.
   */
  default boolean awaitingLeader() {
    return false;
  }

  /**
   * Checks each append before it is proposed (e.g. idempotent-producer sequences) and completes the
   * ones that must not be appended through {@code registry} itself; returns the rest, in order (the
   * proposal itself when all pass). Called on the driver thread just before {@link #propose}.
   */
  default AppendBatchView admit(AppendBatchView proposal, CompletionRegistry registry) {
    return proposal;
  }

  /** The group's log is on this node's stable storage up to here (as of the driver's last sync). */
  long durableIndex();

  /** The group's current term (appends proposed now carry it). */
  long term();

  boolean hasReady();

  /**
   * Nothing but a message, a proposal or a driver task can give the group work (a quiescent Raft
   * group: its timers stopped), so the driver need not look at it after a tick.
   */
  default boolean quiescent() {
    return false;
  }

  /** The pending Ready; the driver persists, syncs, sends, applies and then {@link #advance}s it. */
  GroupReady<M> ready();

  /**
   * As {@link #ready()}, with at most about {@code committedBytesMax} of committed entries to apply (none
   * when not positive): the driver's per-loop budget, so thousands of groups re-applying their logs after a
   * restart do not read gigabytes into the heap in one loop. The rest comes in later loops.
   */
  default GroupReady<M> ready(long committedBytesMax) {
    return ready();
  }

  /**
   * The part of persisting {@code ready} too slow for the driver loop (a leader's snapshot image to check or
   * to write), started now and to run on the driver's worker thread; null when there is none. With work, the
   * group is parked ({@link ParkedGroups}) until it ran; then the driver {@link #persist}s the Ready, which
   * applies the work's result, and goes on as usual.
   */
  default Runnable slowWork(GroupReady<M> ready) {
    return null;
  }

  /** Writes the Ready's entries and hard state to the group's storage; the driver syncs once for all groups. */
  void persist(GroupReady<M> ready);

  /** The Ready was persisted (synced), its messages sent and its committed entries applied. */
  void advance(GroupReady<M> ready);
}
