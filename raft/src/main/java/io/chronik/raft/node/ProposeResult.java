package io.chronik.raft.node;

/**
 * What {@link RaftNode#propose} did with a proposal: accepted at {@code firstIndex}, or refused and
 * why. The one encoding of a refused proposal from the core up to the driver. Refusals are shared
 * constants, so only an accepted proposal allocates (one small record per batch, not per entry).
 *
 * @param firstIndex the log index of the proposal's first entry when accepted; -1 when refused
 */
public record ProposeResult(Status status, long firstIndex) {
  /** Why a proposal was or was not appended. */
  public enum Status {
    /** Appended to the leader's log at {@code firstIndex} and onward. */
    ACCEPTED,
    /** This node does not lead the group: the caller redirects. */
    NOT_LEADER,
    /** The leader refuses more for now (too many uncommitted entries, a leadership transfer): retry later. */
    OVERLOADED
  }

  public static final ProposeResult REFUSED_NOT_LEADER = new ProposeResult(Status.NOT_LEADER, -1);
  public static final ProposeResult REFUSED_OVERLOADED = new ProposeResult(Status.OVERLOADED, -1);

  public ProposeResult {
    if ((status == Status.ACCEPTED) != (firstIndex > 0)) {
      throw new IllegalArgumentException("status=" + status + " firstIndex=" + firstIndex
          + " reason=index-only-when-accepted");
    }
  }

  public static ProposeResult accepted(long firstIndex) {
    return new ProposeResult(Status.ACCEPTED, firstIndex);
  }

  public boolean isAccepted() {
    return status == Status.ACCEPTED;
  }
}
