package io.chronik.broker.replication;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Raft group ids a cluster can still hand out to new partitions: the ids of deleted topics
 * ({@code retired}, each with the incarnation it last had), lowest first, then fresh ones {@code next,
 * next + 1, ...} up to {@code max}. Every node derives the same supply from the same log (and the
 * metadata snapshot holds it whole), so every node gives a partition the same id and incarnation, and a
 * command that needs more ids than are left is refused whole, alike on every node. Immutable: the
 * {@link MetadataImage} holds the current one (driver thread) and hands each new one to the state
 * thread, which answers requests from it.
 *
 * @param max ids at once, the metadata group's 0 included ({@code raft.groups.max})
 * @param next the lowest id never handed out
 * @param retired ids handed out before and free again (their topic was deleted) → the incarnation the
 *     deleted partition had; the next partition to get one has the incarnation after it
 */
public record GroupIdSupply(int max, int next, SortedMap<Integer, Integer> retired) {

  public GroupIdSupply {
    for (Map.Entry<Integer, Integer> r : retired.entrySet()) {
      if (r.getKey() < 1 || r.getKey() >= next || r.getValue() < 0) {
        throw new IllegalArgumentException("group=" + r.getKey() + " incarnation=" + r.getValue() + " next=" + next
            + " reason=bad-retired-group-id");
      }
    }
    retired = Collections.unmodifiableSortedMap(new TreeMap<>(retired));
  }

  /** A supply no id was ever retired from. */
  public GroupIdSupply(int max, int next) {
    this(max, next, new TreeMap<>());
  }

  /** Ids still free: the retired ones and the fresh ones below {@code max}. */
  public int left() {
    return Math.max(0, max - next) + retired.size();
  }

  /** Null when {@code requested} ids are left, else why not ({@code reason=raft-groups-exhausted ...}). */
  public String refusal(int requested) {
    if (requested <= left()) {
      return null;
    }
    return "reason=raft-groups-exhausted groupsMax=" + max + " groupsLeft=" + left() + " requested=" + requested;
  }

  /** A group id with the incarnation it has when handed out. */
  public record Grant(int groupId, int incarnation) {}

  /** The ids the next {@code count} partitions get, lowest retired id first, in order (see {@link #after}). */
  public List<Grant> take(int count) {
    if (count < 0 || count > left()) {
      throw new IllegalArgumentException("taken=" + count + " groupsLeft=" + left() + " reason=out-of-range");
    }
    List<Grant> grants = new ArrayList<>(count);
    for (Map.Entry<Integer, Integer> r : retired.entrySet()) {
      if (grants.size() == count) {
        break;
      }
      grants.add(new Grant(r.getKey(), r.getValue() + 1));
    }
    for (int id = next; grants.size() < count; id++) {
      grants.add(new Grant(id, 0));
    }
    return grants;
  }

  /** The supply once {@code taken} more ids are handed out as {@link #take} names them ({@link #refusal} first). */
  public GroupIdSupply after(int taken) {
    List<Grant> grants = take(taken);
    TreeMap<Integer, Integer> left = new TreeMap<>(retired);
    int fresh = 0;
    for (Grant g : grants) {
      if (left.remove(g.groupId()) == null) {
        fresh++;
      }
    }
    return new GroupIdSupply(max, next + fresh, left);
  }

  /**
   * The supply once the partitions of a deleted topic gave their ids back: {@code released} maps each
   * id to the incarnation its partition had.
   */
  public GroupIdSupply released(Map<Integer, Integer> released) {
    TreeMap<Integer, Integer> more = new TreeMap<>(retired);
    released.forEach((id, incarnation) -> {
      if (more.put(id, incarnation) != null) {
        throw new IllegalArgumentException("group=" + id + " reason=retired-twice");
      }
    });
    return new GroupIdSupply(max, next, more);
  }
}
