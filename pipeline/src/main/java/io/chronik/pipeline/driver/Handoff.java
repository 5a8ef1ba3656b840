package io.chronik.pipeline.driver;

/** Where one Raft group stands when its leader, shutting down, hands it off ({@link RaftNodeGroup#handOffLeadership}). */
public enum Handoff {
  /** This node does not lead the group (any more): nothing to hand off. */
  NOT_LEADER,
  /** A transfer to a caught-up (or catching-up) voter is under way; this node still leads. */
  TRANSFERRING,
  /** This node leads and no other voter is active and eligible (e.g. replication factor 1): it cannot hand off. */
  NO_SUCCESSOR
}
