package io.chronik.broker.replication;

import java.util.List;

/**
 * The metadata group's quorum as this node sees it, read on the driver thread: what DescribeQuorum
 * (KIP-595/KIP-853) answers. A replica's {@code endIndex} is the last Raft index it holds as far as
 * the leader knows (its match index; the leader's own last index), -1 when this node does not lead
 * and so does not know. Raft indexes stand for KRaft's offsets: entry {@code i} is offset {@code i-1}, so
 * the end index is the log end offset and the commit index the high watermark.
 */
public record MetadataQuorum(int leaderId, long term, long commitIndex, List<Replica> voters, List<Replica> observers) {
  /** One member: its id, its end index (-1 unknown) and whether the leader heard from it lately. */
  public record Replica(int id, long endIndex, boolean recentlyActive) {}

  public MetadataQuorum {
    voters = List.copyOf(voters);
    observers = List.copyOf(observers);
  }
}
