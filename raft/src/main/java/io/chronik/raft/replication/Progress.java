package io.chronik.raft.replication;

/**
 * A leader's view of one follower (etcd's Progress). {@code match} is the highest index known to be
 * replicated on the follower; {@code next} the next index to send.
 *
 * <ul>
 *   <li>{@link State#PROBE}: the leader does not know where the logs diverge; it sends at most one
 *       append per heartbeat interval and backs off on rejections (with the follower's hint).</li>
 *   <li>{@link State#REPLICATE}: the follower is in sync; appends are pipelined optimistically,
 *       bounded by {@code inflightMax} messages not yet acknowledged.</li>
 *   <li>{@link State#SNAPSHOT}: the entries the follower needs are compacted; an InstallSnapshot is
 *       in flight and nothing else is sent until it is acknowledged or times out.</li>
 * </ul>
 */
public final class Progress {

  public enum State { PROBE, REPLICATE, SNAPSHOT }

  private long match;
  private long next;
  private State state = State.PROBE;
  private boolean probeSent;
  /** Last index of each unacknowledged append in REPLICATE, oldest first (a ring). */
  private final long[] inflight;
  private int inflightHead;
  private int inflightCount;
  private long pendingSnapshot;
  private int snapshotTicks;
  /** Heard from since the last check-quorum round. */
  private boolean recentActive = true;
  /** Highest ReadIndex heartbeat round acknowledged. */
  private long readAck;

  public Progress(long next, int inflightMax) {
    this.next = next;
    this.inflight = new long[inflightMax];
  }

  public long match() {
    return match;
  }

  public long next() {
    return next;
  }

  public State state() {
    return state;
  }

  public boolean recentActive() {
    return recentActive;
  }

  public void recentActive(boolean active) {
    recentActive = active;
  }

  public long readAck() {
    return readAck;
  }

  public void readAck(long round) {
    readAck = Math.max(readAck, round);
  }

  public long pendingSnapshot() {
    return pendingSnapshot;
  }

  /** May the leader send an append now? */
  public boolean paused() {
    switch (state) {
      case PROBE:
        return probeSent;
      case REPLICATE:
        return inflightCount == inflight.length;
      default:
        return true;
    }
  }

  /** A heartbeat response proves the follower is alive: allow the next probe. */
  public void resumeProbe() {
    probeSent = false;
  }

  /**
   * Heartbeat response with a full window: some append or its ack was probably lost; free one slot
   * so the leader can send again (and learn from a rejection where to resume).
   */
  public void freeOneIfFull() {
    if (state == State.REPLICATE && inflightCount == inflight.length) {
      inflightHead = (inflightHead + 1) % inflight.length;
      inflightCount--;
    }
  }

  /** Record an append sent with last index {@code last} (or none if it carried no entries). */
  public void sent(long last, boolean hadEntries) {
    if (state == State.REPLICATE) {
      if (hadEntries) {
        next = last + 1;
        inflight[(inflightHead + inflightCount) % inflight.length] = last;
        inflightCount++;
      }
    } else if (state == State.PROBE) {
      probeSent = true;
    }
  }

  /** The follower acknowledged up to {@code index}. Returns true if match advanced. */
  public boolean acked(long index) {
    boolean advanced = false;
    if (index > match) {
      match = index;
      advanced = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    while (inflightCount > 0 && inflight[inflightHead] <= index) {
      inflightHead = (inflightHead + 1) % inflight.length;
      inflightCount--;
    }
    return advanced;
  }

  /**
   * The follower rejected an append at {@code rejected}; {@code probeFrom} is the leader's guess of
   * the next index to try (from the conflict hint). Returns false if the rejection is stale.
   */
  public boolean rejected(long rejected, long probeFrom) {
    if (state == State.REPLICATE) {
      if (rejected <= match) {
        return false; // stale: an older append was rejected before the logs converged
      }
      becomeProbe();
      next = Math.max(match + 1, Math.min(next, probeFrom));
      return true;
    }
    if (next - 1 != rejected) {
      return false; // stale: not a response to the latest probe
    }
    next = Math.max(match + 1, Math.min(rejected, probeFrom));
    probeSent = false;
    return true;
  }

  /** The follower no longer holds entries past {@code lastIndex} (its storage was lost): probe from there. */
  public void lostEntries(long lastIndex) {
    match = Math.min(match, lastIndex);
    pendingSnapshot = 0;
    state = State.PROBE;
    next = match + 1;
    probeSent = false;
    inflightCount = 0;
  }

  public void becomeProbe() {
    if (state == State.SNAPSHOT) {
      next = Math.max(match + 1, pendingSnapshot + 1);
      pendingSnapshot = 0;
    } else {
      next = match + 1;
    }
    state = State.PROBE;
    probeSent = false;
    inflightCount = 0;
  }

  public void becomeReplicate() {
    state = State.REPLICATE;
    next = match + 1;
    probeSent = false;
    inflightCount = 0;
  }

  public void becomeSnapshot(long snapshotIndex) {
    state = State.SNAPSHOT;
    pendingSnapshot = snapshotIndex;
    snapshotTicks = 0;
    inflightCount = 0;
  }

  /** A chunk of the snapshot went out: the timeout counts from the last one. */
  public void snapshotProgressed() {
    snapshotTicks = 0;
  }

  /** Counts a tick while a snapshot is in flight; true when it should be considered lost. */
  public boolean snapshotTimedOut(int timeoutTicks) {
    return state == State.SNAPSHOT && ++snapshotTicks >= timeoutTicks;
  }

  @Override
  public String toString() {
    return state + " match=" + match + " next=" + next + " inflight=" + inflightCount;
  }
}
