package io.chronik.broker.api;

import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.partition.Partition;
import java.util.function.Consumer;

/**
 * KIP-951 leader discovery: a NOT_LEADER_OR_FOLLOWER answer names the partition's current leader and
 * epoch, and the response carries that broker's endpoint, so a client re-routes at once (without a
 * metadata round trip or its retry backoff) when leadership moved, as during a rolling restart or a
 * failover. Only a leader this node knows of and that is not itself is named: a wrong hint costs the
 * client one more NOT_LEADER answer, never correctness.
 */
final class LeaderHints {
  private final BrokerState s;

  LeaderHints(BrokerState s) {
    this.s = s;
  }

  /**
   * The partition's leader other than this node, or -1 when none is known; {@code endpoint} is given that
   * broker, to add to the response's node endpoints.
   */
  int otherLeader(Partition p, Consumer<ClusterNodes.Node> endpoint) {
    if (p == null) {
      return -1;
    }
    int leader = p.leaderId();
    ClusterNodes.Node node = leader < 0 || leader == s.nodeId ? null : s.cluster.node(leader);
    if (node == null) {
      return -1;
    }
    endpoint.accept(node);
    return leader;
  }
}
