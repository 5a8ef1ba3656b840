package io.chronik.raft.node;

import io.chronik.raft.membership.Configuration;
import io.chronik.raft.replication.Progress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pending ReadIndex requests on a leader. Each request opens a heartbeat round; heartbeats carry the
 * latest round number and followers echo it. A request is confirmed once a quorum acknowledged a
 * round at least as new as its own: those peers still recognised this leader after the request was
 * registered, so no newer leader can have committed anything (dissertation §6.4). Rounds only grow,
 * so one ack per peer confirms every older request: O(1) state per peer however many reads wait.
 */
final class ReadIndexQueue {

  record Pending(long context, long index, int requester, long round) {}

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long round;

  void add(long context, long index, int requester) {
    pending.add(new Pending(context, index, requester, ++round));
  }

  long currentRound() {
    return round;
  }

  List<Pending> release(Configuration config, int self, Map<Integer, Progress> progress) {
    List<Pending> out = new ArrayList<>();
    while (!pending.isEmpty()) {
      long r = pending.peek().round();
      boolean confirmed = config.hasQuorum(p -> p == self || (progress.containsKey(p) && progress.get(p).readAck() >= r));
      if (!confirmed) {
        break;
      }
      out.add(pending.poll());
    }
    return out;
  }

  void clear() {
    pending.clear();
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }
}
