package io.chronik.raft.node;

import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One node's clocks, in ticks: the election timer (randomized per term, §5.2), the leader's heartbeat
 * timer, and quiescence, which stops both (see {@link RaftOptions#quiesce}); plus the driver's liveness
 * hints that move the election timer. Only {@link RaftNode} calls it, so the timers keep one writer.
 */
final class Timers {

  /** {@link #holdForLeader} holds a follower's timer for at most this many election timeouts of group silence. */
  static final int PEER_ALIVE_HOLD_ELECTIONS = 5;

  private final RaftOptions options;
  private final RandomGenerator random;
  private int electionElapsed;
  /** Ticks since the leader's last message (follower): bounds how long {@link #holdForLeader} may hold the timer. */
  private int ticksSinceLeaderMessage;
  private int heartbeatElapsed;
  private int randomizedElectionTicks;
  /** See {@link RaftOptions#quiesce}: no election timer, no heartbeats, until traffic or {@link #wake}. */
  private boolean quiesced;
  private long quiescences;

  Timers(RaftOptions options, RandomGenerator random) {
    this.options = options;
    this.random = random;
  }

  /** Any traffic wakes a quiescent group except the quiesce itself and plain acknowledgements. */
  static boolean wakes(Message m) {
    return switch (m.type()) {
      case QUIESCE -> false;
      case HEARTBEAT_RESPONSE, APPEND_RESPONSE -> m.reject();
      default -> true;
    };
  }

  int electionElapsed() {
    return electionElapsed;
  }

  boolean quiesced() {
    return quiesced;
  }

  long quiescences() {
    return quiescences;
  }

  /**
   * Draws the next election timeout from the node's seeded generator, its only use: every simulation
   * seed's run depends on when this is called, so a refactoring must not add, drop or reorder calls.
   */
  void randomize() {
    randomizedElectionTicks = options.electionTicks() + random.nextInt(options.electionTicks());
  }

  /** A new term or role: every timer restarts, with a fresh randomized election timeout, and runs. */
  void reset() {
    electionElapsed = 0;
    ticksSinceLeaderMessage = 0;
    heartbeatElapsed = 0;
    randomize();
    quiesced = false;
  }

  void restartElection() {
    electionElapsed = 0;
  }

  void heardFromLeader() {
    electionElapsed = 0;
    ticksSinceLeaderMessage = 0;
  }

  void delayElection(int ticks) {
    electionElapsed = -ticks;
  }

  /** Restarts the timers of a quiescent group; false if it was not quiescent. */
  boolean wake(boolean leading) {
    if (!quiesced) {
      return false;
    }
    quiesced = false;
    electionElapsed = 0;
    if (leading) {
      heartbeatElapsed = 0;
    }
    return true;
  }

  void quiesce() {
    quiesced = true;
    quiescences++;
  }

  /** Follower, one tick: true when a voter's election timeout ran out (the timer restarts: campaign now). */
  boolean followerTimedOut(boolean voter) {
    electionElapsed++;
    ticksSinceLeaderMessage = Math.max(ticksSinceLeaderMessage, ticksSinceLeaderMessage + 1); // saturates
    if (voter && electionElapsed >= randomizedElectionTicks) {
      electionElapsed = 0;
      return true;
    }
    return false;
  }

  /** Leader, one tick: true once per election timeout (the check-quorum and transfer deadlines). */
  boolean leaderElectionTimeout() {
    electionElapsed++;
    if (electionElapsed >= options.electionTicks()) {
      electionElapsed = 0;
      return true;
    }
    return false;
  }

  /** Leader, one tick: true when a heartbeat is due. */
  boolean heartbeatDue() {
    if (++heartbeatElapsed >= options.heartbeatTicks()) {
      heartbeatElapsed = 0;
      return true;
    }
    return false;
  }

  /**
   * The leader {@code deadLeader} is gone: the surviving voters take turns instead of racing. Ordered by
   * id and rotated by {@code rotation}, the first stands on the next tick and each later one a third of
   * an election timeout after the one before, by which time pre-vote refuses it if the first is already
   * campaigning. A race would split the vote and cost a whole randomized timeout per retry, for hundreds
   * of groups at once.
   */
  void standInTurn(Collection<Integer> voters, int self, int deadLeader, int rotation) {
    List<Integer> survivors = new ArrayList<>(voters);
    survivors.remove(Integer.valueOf(deadLeader));
    int at = survivors.indexOf(self);
    if (at < 0) {
      return; // not a voter: it never stands
    }
    int turn = Math.floorMod(at - Math.floorMod(rotation, survivors.size()), survivors.size());
    int gap = Math.max(1, options.electionTicks() / 3);
    electionElapsed = Math.max(electionElapsed, randomizedElectionTicks - 1 - turn * gap);
  }

  /**
   * A message from the node this follower follows. A vote request of a later term says that node no
   * longer leads: it stepped down (a higher term reached it) and stands again. Its process still pings,
   * so {@link #holdForLeader} would keep refusing every candidate, that node included, for up to
   * {@link #PEER_ALIVE_HOLD_ELECTIONS} election timeouts with no leader at all; the hold ends here instead
   * and the ordinary lease runs out within one election timeout, as without node leases.
   */
  void fromLeaderNode(Message m, long term) {
    if ((m.type() == MessageType.PRE_VOTE || m.type() == MessageType.VOTE) && m.term() > term) {
      ticksSinceLeaderMessage = PEER_ALIVE_HOLD_ELECTIONS * options.electionTicks();
    }
  }

  /** A follower's leader's process is alive: hold the election timer as a heartbeat would. */
  void holdForLeader() {
    if (ticksSinceLeaderMessage < PEER_ALIVE_HOLD_ELECTIONS * options.electionTicks()) {
      // bounded: a leader's process that restarted unseen is alive but leads nothing; its group's
      // silence must still end this lease, or nobody would ever win its pre-vote
      electionElapsed = Math.min(electionElapsed, 0); // a head start from delayElection stays
    }
  }
}
