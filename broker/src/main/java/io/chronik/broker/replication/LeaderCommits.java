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
 * leader speaks (until then the group's leader is unknown too, which /ready reports first).
 */
final class LeaderCommits {
  private final Map<Integer, AtomicLong> heard = new ConcurrentHashMap<>();

  /** Transport thread: a leader's message for {@code groupId} carried {@code commit}. */
  void heard(int groupId, long commit) {
    if (commit <= 0) {
      return;
    }
    AtomicLong value = heard.get(groupId);
    if (value == null) {
      value = heard.computeIfAbsent(groupId, g -> new AtomicLong());
    }
    value.accumulateAndGet(commit, Math::max);
  }

  /** The highest commit heard for the group, 0 if none. */
  long of(int groupId) {
    AtomicLong value = heard.get(groupId);
    return value == null ? 0 : value.get();
  }

  /** The group left this node (partition deleted). */
  void forget(int groupId) {
    heard.remove(groupId);
  }
}
