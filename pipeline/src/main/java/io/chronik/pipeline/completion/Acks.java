package io.chronik.pipeline.completion;

/** The durability a producer waits for before its append completes (Kafka's {@code acks}). */
public enum Acks {
  /**
   * acks=0: the producer expects no answer; the append is still written and synced. A completion is
   * delivered only if a callback was given (so the caller can release the payload buffer).
   */
  NONE,
  /** acks=1: completes once the leader's own durable sync covers the append. */
  LEADER,
  /** acks=all (-1): completes once a Raft commit notification covers the append's index. */
  ALL;

  /** Maps Kafka's wire value (0, 1, -1). */
  public static Acks ofKafka(short acks) {
    switch (acks) {
      case 0: return NONE;
      case 1: return LEADER;
      case -1: return ALL;
      default: throw new IllegalArgumentException("acks=" + acks + " reason=unsupported");
    }
  }
}
