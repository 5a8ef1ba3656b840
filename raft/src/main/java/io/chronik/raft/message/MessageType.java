package io.chronik.raft.message;

/** Raft message kinds (etcd names in parentheses where they differ). */
public enum MessageType {
  /** Pre-vote request (§9.6 of Ongaro's dissertation): asks "would you vote for me?" without a term bump. */
  PRE_VOTE,
  PRE_VOTE_RESPONSE,
  VOTE,
  VOTE_RESPONSE,
  /** AppendEntries (MsgApp): {@code index}/{@code logTerm} identify the entry preceding {@code entries}. */
  APPEND,
  /** Success: {@code index} is the follower's last matching index. Reject: {@code rejectHint}/{@code logTerm}. */
  APPEND_RESPONSE,
  /** Carries only term, commit and a read context: the unit that can be coalesced per peer node. */
  HEARTBEAT,
  HEARTBEAT_RESPONSE,
  /**
   * One chunk of InstallSnapshot: {@code snapshot} metadata, {@code chunkOffset}, {@code chunk}
   * ({@code crc32c int, data}), {@code lastChunk} (then {@code context} is the whole image's CRC32C);
   * {@code reject} on a chunk at offset 0: drop what is held of this image and start it anew.
   */
  SNAPSHOT,
  /** Leader to target of a transfer: campaign now, ignoring lease and pre-vote. */
  TIMEOUT_NOW,
  /** A follower forwards a ReadIndex request to its leader; {@code context} identifies it. */
  READ_INDEX,
  /** The leader's answer: reads with this {@code context} may be served once applied to {@code index}. */
  READ_INDEX_RESPONSE,
  /**
   * An idle leader to a follower that has every entry: {@code index}/{@code logTerm} is the leader's
   * last entry, {@code commit} its commit index; a follower whose log ends there stops its election
   * timer until any other traffic (or the driver) wakes the group. Never answered.
   */
  QUIESCE,
  /**
   * A follower asks its leader to hand leadership to the voter {@code index} (etcd's forwarded
   * MsgTransferLeader; Kafka's ElectLeaders arrives at any node). Never answered: the caller watches
   * the leader change.
   */
  TRANSFER_LEADER,
  /**
   * A follower tells the leader how far it holds the image of {@code snapshot}: {@code index} bytes,
   * persisted (sent after the Ready that wrote them). {@code reject}: a chunk did not continue the held
   * bytes, or the image was refused whole — resend from {@code index}. Lets a transfer resume after a
   * dropped connection instead of starting over, and paces the leader (its window of unacknowledged bytes).
   */
  SNAPSHOT_STATUS
}
