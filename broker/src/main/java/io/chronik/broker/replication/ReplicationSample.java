package io.chronik.broker.replication;

/**
 * One consistent view of this node's Raft groups, taken on the driver thread (the only thread that
 * may read them) and handed to the metrics collector. Node totals always; per-partition columns only
 * when asked for ({@code partitions == 0} otherwise), parallel arrays so 4,096 partitions cost a few
 * arrays rather than thousands of objects.
 *
 * <p>Under-replicated, as this replica sees it: a member of the group is down by node liveness, or
 * (on the leader) a member is more than the lag threshold behind. Every replica reports it, not only
 * the leader, so that with a node down each survivor counts every partition it shares with it.
 */
public record ReplicationSample(
    long takenNanos,
    int partitionsHosted,
    int partitionsLed,
    int underReplicated,
    int unavailable,
    long followerLagMax,
    long leaderChanges,
    long elections,
    long logEntries,
    int quiescent,
    long metadataTerm,
    long metadataCommitIndex,
    long metadataLogEntries,
    int metadataLeader,
    int peersDown,
    int partitions,
    String[] topic,
    int[] partition,
    long[] term,
    long[] commitIndex,
    long[] entries,
    boolean[] leading,
    boolean[] hasLeader,
    boolean[] underReplicatedFlag,
    long[] followerLag) {

  /** Every hosted partition has a leader and the metadata group has one: the node serves the cluster. */
  public boolean ready() {
    return metadataLeader >= 0 && unavailable == 0;
  }
}
