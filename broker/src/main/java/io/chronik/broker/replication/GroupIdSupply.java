package io.chronik.broker.replication;

/**
 * The Raft group ids a cluster can still hand out to new partitions. Ids go 1, 2, ... in metadata-apply
 * order and are never reused (a deleted topic's ids stay spent), up to {@code max} over the cluster's
 * lifetime. Every node derives the same supply from the same log, so a command that needs more ids than
 * are left is refused whole, alike on every node. Immutable: the {@link MetadataImage} holds the current
 * one (driver thread) and hands each new one to the state thread, which answers requests from it.
 *
 * @param max ids ever, the metadata group's 0 included ({@code raft.groups.max})
 * @param next the id the next partition gets
 */
public record GroupIdSupply(int max, int next) {

  /** Ids still free. */
  public int left() {
    return Math.max(0, max - next);
  }

  /** Null when {@code requested} ids are left, else why not ({@code reason=raft-groups-exhausted ...}). */
  public String refusal(int requested) {
    if (requested <= left()) {
      return null;
    }
    return "reason=raft-groups-exhausted groupsMax=" + max + " groupsLeft=" + left() + " requested=" + requested;
  }

  /** The supply once {@code taken} more ids are handed out (the caller checked {@link #refusal} first). */
  public GroupIdSupply after(int taken) {
    if (taken < 0 || taken > left()) {
      throw new IllegalArgumentException("taken=" + taken + " groupsLeft=" + left() + " reason=out-of-range");
    }
    return new GroupIdSupply(max, next + taken);
  }
}
