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
  SNAPSHOT_STATUS;

  /**
   * Whether a message of this type may leave before the sync of the Ready that carries it: it promises nothing
   * about the sender's disk. A leader's append, heartbeat or quiesce (the followers write in parallel with the
   * leader, Raft thesis §10.2.1; a commit needs acknowledgements that arrive only after the leader's sync). A
   * pre-vote and its answer (they change no state; the vote that follows decides). A candidate's vote request:
   * its vote for itself counts only once durable ({@code RaftNode#selfVoteDurable}), so a candidate that crashes
   * before its sync never led that term, whatever the others answered (etcd's asynchronous storage writes rule
   * the same). Everything else waits for the sync: a granted vote, an append response, and the rest, whose
   * promises nobody has argued away.
   */
  public boolean sendableBeforeSync() {
    return switch (this) {
      case APPEND, HEARTBEAT, QUIESCE, PRE_VOTE, PRE_VOTE_RESPONSE, VOTE -> true;
      default -> false;
    };
  }
}
