package io.chronik.broker.replication;

import io.chronik.raft.node.RaftNode;
import java.util.Collection;

/** Takes {@link ReplicationSample}s on the driver thread (package-private access to groups and liveness). */
final class ReplicationSampler {
  private ReplicationSampler() {}

  static ReplicationSample take(int selfId, MetadataGroup metadata, Collection<PartitionGroup> groups,
      PeerLiveness liveness, LeaderCommits leaderCommits, long lagEntriesMax, boolean perPartition, int rejoining) {
    int n = perPartition ? groups.size() : 0;
    String[] topic = new String[n];
    int[] partition = new int[n];
    long[] term = new long[n];
    long[] commit = new long[n];
    long[] entries = new long[n];
    boolean[] leading = new boolean[n];
    boolean[] hasLeader = new boolean[n];
    boolean[] under = new boolean[n];
    long[] lag = new long[n];
    int led = 0;
    int underCount = 0;
    int unavailable = 0;
    int quiescent = 0;
    int catchingUp = 0;
    long snapshotsWritten = 0;
    long snapshotsInstalled = 0;
    long snapshotBytesInstalled = 0;
    long snapshotImagesRefused = 0;
    long snapshotsSent = 0;
    long snapshotBytesSent = 0;
    long segmentsCleaned = 0;
    long bytesReclaimed = 0;
    int openedFromSnapshot = 0;
    long lagMaxAll = 0;
    long leaderChanges = metadata.leaderChanges();
    long elections = metadata.electionsStarted();
    long logEntries = metadata.logEntries();
    int i = 0;
    for (PartitionGroup g : groups) {
      boolean isLeader = g.leading();
      boolean known = g.leaderHint() != RaftNode.NONE;
      long groupLag = 0;
      boolean lagging = false;
      for (int member : g.members()) {
        if (member == selfId) {
          continue;
        }
        long behind = g.entriesBehind(member);
        groupLag = Math.max(groupLag, behind);
        if (liveness.down(member) || behind > lagEntriesMax) {
          lagging = true;
        }
      }
      led += isLeader ? 1 : 0;
      unavailable += known ? 0 : 1;
      underCount += lagging ? 1 : 0;
      quiescent += g.quiescent() ? 1 : 0;
      catchingUp += !isLeader && behindLeader(g, leaderCommits, lagEntriesMax) ? 1 : 0;
      snapshotsWritten += g.snapshotsTaken();
      snapshotsInstalled += g.snapshotsInstalled();
      snapshotBytesInstalled += g.snapshotBytesInstalled();
      snapshotImagesRefused += g.snapshotImagesRefused();
      snapshotsSent += g.raftNode().snapshotsSent();
      snapshotBytesSent += g.raftNode().snapshotBytesSent();
      segmentsCleaned += g.compaction().segmentsCleaned();
      bytesReclaimed += g.compaction().bytesReclaimed();
      openedFromSnapshot += g.openedFromSnapshot() ? 1 : 0;
      lagMaxAll = Math.max(lagMaxAll, groupLag);
      leaderChanges += g.leaderChanges();
      elections += g.electionsStarted();
      long groupEntries = g.logEntries();
      logEntries += groupEntries;
      if (i < n) {
        topic[i] = g.partition().topic();
        partition[i] = g.partition().partition();
        term[i] = g.term();
        commit[i] = g.commitIndex();
        entries[i] = groupEntries;
        leading[i] = isLeader;
        hasLeader[i] = known;
        under[i] = lagging;
        lag[i] = groupLag;
      }
      i++;
    }
    int peersDown = 0;
    for (int peer : liveness.peers()) {
      peersDown += liveness.down(peer) ? 1 : 0;
    }
    boolean metadataCatchingUp = metadata.leaderHint() != selfId
        && behindLeader(metadata, leaderCommits, lagEntriesMax);
    return new ReplicationSample(System.nanoTime(), groups.size(), led, underCount, unavailable, lagMaxAll,
        leaderChanges, elections, logEntries, quiescent, catchingUp, metadataCatchingUp, snapshotsWritten,
        snapshotsInstalled, snapshotBytesInstalled, snapshotImagesRefused, snapshotsSent, snapshotBytesSent, openedFromSnapshot, segmentsCleaned, bytesReclaimed, metadata.term(), metadata.commitIndex(),
        metadata.logEntries(), metadata.snapshotsTaken(), metadata.snapshotsInstalled(), metadata.snapshotIndex(),
        metadata.firstIndex(), metadata.openedFromSnapshot(), metadata.leaderHint(), peersDown, n, topic, partition, term, commit, entries,
        leading, hasLeader, under, lag, rejoining);
  }

  /**
   * A follower is catching up while its commit index is more than {@code lagEntriesMax} below the
   * highest commit its leader told it: it lacks committed entries (after a restart or a partition)
   * and is still receiving them.
   */
  private static boolean behindLeader(io.chronik.pipeline.driver.RaftNodeGroup g, LeaderCommits leaderCommits,
      long lagEntriesMax) {
    return leaderCommits.of(g.groupId(), g.incarnation()) - g.commitIndex() > lagEntriesMax;
  }
}
