package io.chronik.broker.replication;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per Raft group, the highest commit index a leader told this node (APPEND and HEARTBEAT carry it;
 * a heartbeat's is capped at what the leader believes this node holds, so every value is a lower
 * bound of the leader's commit). Written by peer transport threads as messages arrive, read by the
 * driver thread when it samples: a follower whose own commit index is far below it is catching up.
 * Kept from the start of the process only, so right after a restart nothing is known until the
 * leader speaks (until then the group's leader is unknown too, which /ready reports first). Kept per
 * incarnation of a group id: a deleted group's commit, heard late, must not make its successor under the
 * same id look far behind.
 */
final class LeaderCommits {
  private final Map<Long, AtomicLong> heard = new ConcurrentHashMap<>();

  private static long key(int groupId, int incarnation) {
    return ((long) groupId << 32) | (incarnation & 0xffffffffL);
  }

  /** Transport thread: a leader's message for {@code groupId}'s {@code incarnation} carried {@code commit}. */
  void heard(int groupId, int incarnation, long commit) {
    if (commit <= 0) {
      return;
    }
    long key = key(groupId, incarnation);
    AtomicLong value = heard.get(key);
    if (value == null) {
      value = heard.computeIfAbsent(key, g -> new AtomicLong());
    }
    value.accumulateAndGet(commit, Math::max);
  }

  /** The highest commit heard for the group's incarnation, 0 if none. */
  long of(int groupId, int incarnation) {
    AtomicLong value = heard.get(key(groupId, incarnation));
    return value == null ? 0 : value.get();
  }

  /**
   * The group left this node (partition deleted). A message of it that arrives later enters again: one
   * entry per deleted incarnation at most, never read.
   */
  void forget(int groupId, int incarnation) {
    heard.remove(key(groupId, incarnation));
  }
}
