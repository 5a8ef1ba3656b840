package io.chronik.raft.node;

/**
 * Tunables of one Raft group. Time is in ticks; the driver decides how long a tick is.
 *
 * @param electionTicks        base election timeout; each node draws from [electionTicks, 2*electionTicks)
 * @param heartbeatTicks       leader heartbeat interval; must be well below electionTicks
 * @param appendBytesMax       payload bytes per append message (batching bound)
 * @param inflightMax          unacknowledged appends per follower in REPLICATE (pipelining window)
 * @param uncommittedEntriesMax proposals are refused (back-pressure) beyond this many uncommitted entries
 * @param snapshotChunkBytes   InstallSnapshot chunk size
 * @param preVote              run a pre-vote round before incrementing the term
 * @param checkQuorum          leaders step down without a quorum of recent contact; voters honour a leader lease
 * @param quiesce              an idle leader whose followers have every entry stops heartbeating after one
 *                             QUIESCE message, and its followers stop their election timers, until any
 *                             traffic or {@link RaftNode#wake} (the driver's node-liveness detector) wakes the
 *                             group: thousands of idle groups then cost no messages at all. Off by default: a
 *                             driver that enables it must wake the groups of a peer it believes down
 */
public record RaftOptions(
    int electionTicks,
    int heartbeatTicks,
    long appendBytesMax,
    int inflightMax,
    int uncommittedEntriesMax,
    int snapshotChunkBytes,
    boolean preVote,
    boolean checkQuorum,
    boolean quiesce) {

  public RaftOptions(int electionTicks, int heartbeatTicks, long appendBytesMax, int inflightMax,
      int uncommittedEntriesMax, int snapshotChunkBytes, boolean preVote, boolean checkQuorum) {
    this(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax, snapshotChunkBytes,
        preVote, checkQuorum, false);
  }

  public RaftOptions {
    if (heartbeatTicks <= 0 || electionTicks <= heartbeatTicks || inflightMax <= 0 || snapshotChunkBytes <= 0) {
      throw new IllegalArgumentException("electionTicks=" + electionTicks + " heartbeatTicks=" + heartbeatTicks
          + " inflightMax=" + inflightMax + " snapshotChunkBytes=" + snapshotChunkBytes + " reason=invalid-options");
    }
  }

  public static RaftOptions defaults() {
    return new RaftOptions(10, 2, 1 << 20, 64, 10_000, 64 * 1024, true, true);
  }

  public RaftOptions withPreVote(boolean on) {
    return new RaftOptions(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax,
        snapshotChunkBytes, on, checkQuorum, quiesce);
  }

  public RaftOptions withCheckQuorum(boolean on) {
    return new RaftOptions(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax,
        snapshotChunkBytes, preVote, on, quiesce);
  }

  public RaftOptions withSnapshotChunkBytes(int bytes) {
    return new RaftOptions(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax,
        bytes, preVote, checkQuorum, quiesce);
  }

  public RaftOptions withQuiesce(boolean on) {
    return new RaftOptions(electionTicks, heartbeatTicks, appendBytesMax, inflightMax, uncommittedEntriesMax,
        snapshotChunkBytes, preVote, checkQuorum, on);
  }
}
