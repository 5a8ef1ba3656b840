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
 *
 * <p>Catching up: on a follower, the group's commit index is more than the lag threshold below the
 * highest commit index its leader told this node ({@link LeaderCommits}); {@code catchingUp} counts
 * such partitions, {@code metadataCatchingUp} says it of the metadata group (a node still replaying
 * the metadata log after a start does not yet know every partition it hosts).
 *
 * <p>Partition catch-up by snapshot: images installed here (count, bytes) and InstallSnapshot
 * transfers this node started as leader (count, each resend too; image bytes sent).
 *
 * <p>Rejoining: nodes back with a new data dir (a lost disk) whose old incarnation some group still counts, as
 * this node's metadata says ({@link ReplicaRejoins}): the cluster is not whole until they are done.
 *
 * <p>The metadata group's snapshots: stored and installed since start, the latest one's index, the
 * first index its log still holds (above 1 once compacted) and whether this start loaded one.
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
    int catchingUp,
    boolean metadataCatchingUp,
    long snapshotsWritten,
    long snapshotsInstalled,
    long snapshotBytesInstalled,
    long snapshotImagesRefused,
    long snapshotsSent,
    long snapshotBytesSent,
    int openedFromSnapshot,
    long cleanerSegmentsCleaned,
    long cleanerBytesReclaimed,
    long metadataTerm,
    long metadataCommitIndex,
    long metadataLogEntries,
    long metadataSnapshotsWritten,
    long metadataSnapshotsInstalled,
    long metadataSnapshotIndex,
    long metadataLogFirstIndex,
    boolean metadataOpenedFromSnapshot,
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
    long[] followerLag,
    int rejoining) {

  /**
   * The metadata group and every hosted partition have a leader and none of them is catching up:
   * the node serves the cluster, and no node is rejoining after a lost disk.
   */
  public boolean ready() {
    return metadataLeader >= 0 && unavailable == 0 && catchingUp == 0 && !metadataCatchingUp && rejoining == 0;
  }
}
