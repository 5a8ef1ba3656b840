package io.chronik.broker.replication;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.raft.node.RaftNode;
import java.util.function.Consumer;

/**
 * Preferred leader election on request (Kafka's ElectLeaders, type PREFERRED): asks a partition's Raft
 * leader to hand leadership to the partition's preferred replica. Any node hosting the partition can
 * ask: a follower forwards the request to its leader (Raft's TRANSFER_LEADER), and the leader's own
 * transfer rules decide (the target must be a voter and is caught up first). Nothing is written to any
 * log and nothing is retried: a request that does not take effect within the caller's timeout is simply
 * answered as not done, so no old request can move a leader later (not after a restart either).
 */
public final class PreferredElection {
  /** What the request found on this node, before any leader moved. */
  public enum Outcome {
    /** The request went to the leader (or this node leads and started the transfer): watch the leader. */
    REQUESTED,
    /** The preferred replica leads already (Kafka: ELECTION_NOT_NEEDED). */
    ALREADY_PREFERRED,
    /** The preferred replica is down or stopping (Kafka: PREFERRED_LEADER_NOT_AVAILABLE). */
    PREFERRED_UNAVAILABLE,
    /** This node knows no leader of the group right now (an election is under way). */
    NO_LEADER,
    /** This node does not host the partition, so it cannot reach the group. */
    NOT_HOSTED
  }

  private final RaftDriver<GroupMessage> driver;
  private final MetadataImage image;
  private final PeerLiveness liveness;
  private final int selfId;

  PreferredElection(RaftDriver<GroupMessage> driver, MetadataImage image, PeerLiveness liveness, int selfId) {
    this.driver = driver;
    this.image = image;
    this.liveness = liveness;
    this.selfId = selfId;
  }

  /**
   * Asks (on the driver thread) for {@code groupId}'s preferred replica to lead; {@code sink} hears the
   * outcome there. False (back-pressure) when the driver's task queue is full.
   */
  public boolean request(int groupId, Consumer<Outcome> sink) {
    return driver.offerTask(() -> sink.accept(requestNow(groupId)));
  }

  private Outcome requestNow(int groupId) {
    PartitionGroup group = image.hosted(groupId);
    if (group == null) {
      return Outcome.NOT_HOSTED;
    }
    RaftNode node = group.raftNode();
    int preferred = group.preferredLeader();
    if (node.leader() == preferred) {
      return Outcome.ALREADY_PREFERRED;
    }
    if (preferred == RaftNode.NONE || !node.configuration().isVoter(preferred)
        || (preferred != selfId && (liveness.down(preferred) || !liveness.mayLead(preferred)))) {
      return Outcome.PREFERRED_UNAVAILABLE;
    }
    return node.requestLeadershipTransfer(preferred) ? Outcome.REQUESTED : Outcome.NO_LEADER;
  }
}
