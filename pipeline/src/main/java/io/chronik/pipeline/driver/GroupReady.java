package io.chronik.pipeline.driver;

/**
 * The part of a Raft {@code Ready} the driver acts on generically.
 *
 * @param <M> the peer message type
 */
public interface GroupReady<M> {
  /** There are entries, a hard state or a snapshot to persist before messages may be sent. */
  boolean hasWrites();

  /** Number of log entries this Ready persists. */
  int entryCount();

  /** Index of the last entry this Ready persists, 0 if none (acks=1 appends up to it become durable). */
  long lastPersistedIndex();

  /** The term in the Ready's hard state, or the group's term if unchanged. */
  long term();

  int messageCount();

  M message(int i);

  /**
   * The i-th message promises nothing about this node's durable state (a leader's append or
   * heartbeat, a pre-vote or a vote request: {@code MessageType.sendableBeforeSync}), so it may leave before
   * the sync: the leader then writes its own copy in parallel with the followers (Raft thesis §10.2.1), and an
   * election costs no sync before the voter's. Safe because a commit (or a won election) needs answers that can
   * only arrive in a later loop, after this loop's sync made the leader's copy (the candidate's vote) durable.
   */
  default boolean sendableBeforeSync(int i) {
    return false;
  }

  /** Node id the i-th message goes to, in {@code [0, nodesMax)}. */
  int messageTarget(int i);

  /** Index of the last entry this Ready commits, 0 if none; its term is {@link #committedTerm()}. */
  long committedIndex();

  long committedTerm();

  /** Payload bytes of the committed entries this Ready hands out to apply (counted against the loop's budget). */
  default long committedBytes() {
    return 0;
  }
}
