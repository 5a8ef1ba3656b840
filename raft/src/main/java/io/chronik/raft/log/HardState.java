package io.chronik.raft.log;

/**
 * The part of a node's Raft state that must survive a crash (Raft §5.1, Figure 2 "persistent state"):
 * the current term, whom this node voted for in that term ({@link #NO_VOTE} if nobody), and the commit
 * index (persisting commit is an etcd-style optimisation so a restarted node can re-apply at once; it
 * may lag, never lead, the true commit).
 */
public record HardState(long term, int vote, long commit) {

  public static final int NO_VOTE = -1;
  public static final HardState EMPTY = new HardState(0, NO_VOTE, 0);

  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("term=" + term + " commit=" + commit + " reason=negative");
    }
  }
}
