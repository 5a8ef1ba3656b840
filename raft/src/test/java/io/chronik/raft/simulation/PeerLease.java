package io.chronik.raft.simulation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The broker's node lease ({@code raft.peer.lease}, on by default; {@code broker.replication.PeerLiveness}
 * and {@code ReplicatedNode.livenessRound}) as the simulated nodes run it. Every node pings every peer
 * once per heartbeat interval from its timer, not from its loop, so a loop sitting in a slow fsync keeps
 * pinging; a ping says "stalled" once the loop has been stuck for {@link #stallMs}. Once per heartbeat
 * interval a node's loop calls {@code RaftNode.peerAlive} for every peer whose last ping arrived within
 * {@link #windowMs} and did not say stalled: a follower of that peer holds its election timer, a leader
 * counts that follower for check-quorum. Pings ride the simulated links: a cut link, a drop or a crash
 * stops them and the ordinary timers run. In flight they cost no events: a ping is recorded with its
 * arrival time and counts once the reader's clock passed it.
 *
 * <p>Also modelled: a crash closes the node's connections, and a peer's next round sees it died
 * ({@code PeerLiveness.died}): its followers forget it as leader and stand in turn
 * ({@code RaftNode.leaderUnreachable}), as {@code LeaderPlacement.peerChanged} does. A cut link closes
 * nothing: the pings just stop and the lease ends with the window.
 */
final class PeerLease {

  /** A ping on its way or arrived: when it arrives and whether its sender's loop said it was stuck. */
  private record Ping(long arrivalMs, boolean stalled) {}

  private final int nodes;
  private final long windowMs;
  private final long stallMs;
  /** [receiver][sender]: pings not yet folded into {@link #lastArrivalMs}. */
  private final List<List<Ping>> inFlight = new ArrayList<>();
  private final long[][] lastArrivalMs;
  private final boolean[][] lastStalled;
  /** Whether a node's process runs (its connections are open). */
  private final boolean[] processUp;
  /** [observer][peer]: the observer's last round found the peer's connection closed. */
  private final boolean[][] seenClosed;

  /**
   * @param pingMs      the ping interval: the heartbeat interval ({@code ReplicatedNode}: tick × heartbeat ticks)
   * @param electionMs  the base election timeout
   */
  PeerLease(int nodes, long pingMs, long electionMs) {
    this.nodes = nodes;
    this.windowMs = 3 * pingMs; // ReplicatedNode.aliveWindowNanos
    this.stallMs = Math.max(2_000, 5 * electionMs); // ReplicatedNode.STALL_MS_MIN, 5 election timeouts
    this.lastArrivalMs = new long[nodes + 1][nodes + 1];
    this.lastStalled = new boolean[nodes + 1][nodes + 1];
    this.processUp = new boolean[nodes + 1];
    this.seenClosed = new boolean[nodes + 1][nodes + 1];
    for (int i = 0; i < (nodes + 1) * (nodes + 1); i++) {
      inFlight.add(new ArrayList<>());
    }
    for (long[] row : lastArrivalMs) {
      Arrays.fill(row, Long.MIN_VALUE);
    }
  }

  /** Whether a loop stuck since {@code loopStuckSinceMs} (or not stuck: negative) pings "stalled" at {@code nowMs}. */
  boolean stalled(long loopStuckSinceMs, long nowMs) {
    return loopStuckSinceMs >= 0 && nowMs - loopStuckSinceMs > stallMs;
  }

  void ping(int from, int to, long arrivalMs, boolean stalled) {
    inFlight.get(to * (nodes + 1) + from).add(new Ping(arrivalMs, stalled));
  }

  void started(int node) {
    processUp[node] = true;
  }

  /**
   * The node's process died: its connections close, its liveness state is gone and pings on their way
   * to it are lost.
   */
  void crashed(int receiver) {
    processUp[receiver] = false;
    for (int peer = 0; peer <= nodes; peer++) {
      seenClosed[receiver][peer] = false;
    }
    for (int from = 0; from <= nodes; from++) {
      inFlight.get(receiver * (nodes + 1) + from).clear();
      lastArrivalMs[receiver][from] = Long.MIN_VALUE;
      lastStalled[receiver][from] = false;
    }
  }

  /**
   * The observer's round: true once when it finds {@code peer}'s connection newly closed (the broker's
   * {@code PeerLiveness.died}: the process died while it was still talking).
   */
  boolean died(int observer, int peer) {
    boolean closed = !processUp[peer];
    boolean newly = closed && !seenClosed[observer][peer];
    seenClosed[observer][peer] = closed;
    return newly;
  }

  /** Did {@code receiver} hear a ping from {@code peer} within the window, with the peer's loop running? */
  boolean alive(int receiver, int peer, long nowMs) {
    List<Ping> pending = inFlight.get(receiver * (nodes + 1) + peer);
    for (var it = pending.iterator(); it.hasNext(); ) {
      Ping p = it.next();
      if (p.arrivalMs() <= nowMs) {
        it.remove();
        if (p.arrivalMs() >= lastArrivalMs[receiver][peer]) {
          lastArrivalMs[receiver][peer] = p.arrivalMs();
          lastStalled[receiver][peer] = p.stalled();
        }
      }
    }
    long last = lastArrivalMs[receiver][peer];
    // a peer whose connection the last round found closed is down, whatever its last pings said
    return !seenClosed[receiver][peer] && last != Long.MIN_VALUE && nowMs - last <= windowMs
        && !lastStalled[receiver][peer];
  }
}
