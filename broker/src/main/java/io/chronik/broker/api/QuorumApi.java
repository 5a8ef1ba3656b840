package io.chronik.broker.api;

import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.MetadataQuorum;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeQuorum (KIP-595, v2 of KIP-853): the metadata group's leader, term, commit index and
 * members, so {@code Admin.describeMetadataQuorum} and {@code kafka-metadata-quorum describe} work.
 * Any node takes it: the metadata leader answers with every member's end offset; a follower forwards
 * the request to the leader and relays its answer ({@link QuorumRelay}), as a Kafka broker forwards it
 * to the active controller, since only the leader knows the followers' end offsets. A forwarded request
 * that finds no leader here gets Kafka's leader-only answer NOT_LEADER_OR_FOLLOWER. A node that knows no
 * leader, or whose relay failed, answers from its own view (the voters, the leader it believes in, end
 * offsets -1 where it does not know them): a quorum that has lost its leader is exactly when an operator
 * (and {@code chronik admin safe-to-stop}) needs the voter set, and an error there would only make the
 * admin client retry until its timeout. Chronik keeps no per-follower fetch
 * clock, so the fetch and caught-up timestamps are -1 (unknown).
 */
final class QuorumApi {
  /** The metadata group's name as KRaft calls it (also used for its row in the metrics). */
  static final String METADATA_TOPIC = "__cluster_metadata";


  private final BrokerState s;
  private final QuorumRelay relay = new QuorumRelay();

  QuorumApi(BrokerState s) {
    this.s = s;
  }

  void describeQuorum(RequestContext ctx) {
    DescribeQuorumRequestData req = (DescribeQuorumRequestData) ctx.request().data();
    boolean metadataOnly = req.topics().size() == 1 && METADATA_TOPIC.equals(req.topics().get(0).topicName())
        && req.topics().get(0).partitions().size() == 1 && req.topics().get(0).partitions().get(0).partitionIndex() == 0;
    if (!metadataOnly) {
      ctx.respond(new DescribeQuorumResponseData().setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
          .setErrorMessage("expected=" + METADATA_TOPIC + "-0 reason=only-the-metadata-quorum-is-described"));
      return;
    }
    boolean asked = s.replication.views().metadataQuorum(q -> s.executor.execute(() -> answer(ctx, req, q)));
    if (!asked) {
      ctx.respond(new DescribeQuorumResponseData().setErrorCode(Errors.REQUEST_TIMED_OUT.code())
          .setErrorMessage("reason=driver-queue-full"));
    }
  }

  private void answer(RequestContext ctx, DescribeQuorumRequestData req, MetadataQuorum q) {
    if (q.leaderId() == s.nodeId) {
      ctx.respond(response(q, ctx.version()));
      return;
    }
    ClusterNodes.Node leader = q.leaderId() < 0 ? null : s.knownNode(q.leaderId());
    boolean forwarded = QuorumRelay.FORWARDED_CLIENT_ID.equals(ctx.header().clientId());
    if (leader == null && !forwarded) {
      ctx.respond(response(q, ctx.version()));
      return;
    }
    if (forwarded) {
      PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(q.leaderId())
          .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, q.term())).setHighWatermark(-1)
          .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
          .setErrorMessage("node=" + s.nodeId + " leader=" + q.leaderId() + " reason=not-the-metadata-leader");
      DescribeQuorumResponseData resp = new DescribeQuorumResponseData();
      resp.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
          .setPartitions(java.util.List.of(partition)));
      ctx.respond(resp);
      return;
    }
    relay.forward(leader, req, ctx.version(), s.executor, r -> ctx.respond(answered(r) ? r : response(q, ctx.version())));
  }

  /** The relayed answer is the leader's: no error at the top or on the partition. */
  private static boolean answered(DescribeQuorumResponseData r) {
    return r.errorCode() == Errors.NONE.code() && !r.topics().isEmpty() && !r.topics().get(0).partitions().isEmpty()
        && r.topics().get(0).partitions().get(0).errorCode() == Errors.NONE.code();
  }

  private DescribeQuorumResponseData response(MetadataQuorum q, short version) {
    PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(q.leaderId())
        .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, q.term())).setHighWatermark(q.commitIndex());
    q.voters().forEach(r -> partition.currentVoters().add(replica(r, version)));
    q.observers().forEach(r -> partition.observers().add(replica(r, version)));
    DescribeQuorumResponseData resp = new DescribeQuorumResponseData();
    resp.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
        .setPartitions(java.util.List.of(partition)));
    for (ClusterNodes.Node n : s.knownNodes()) {
      boolean self = n.id() == s.nodeId;
      DescribeQuorumResponseData.Node node = new DescribeQuorumResponseData.Node().setNodeId(n.id());
      node.listeners().add(new DescribeQuorumResponseData.Listener().setName("PLAINTEXT")
          .setHost(self ? s.advertised.host() : n.host()).setPort(self ? s.advertised.port() : n.kafkaPort()));
      if (n.raftPort() > 0) {
        // where peers reach its Raft listener: a node joining by cluster.bootstrap dials every node from here
        node.listeners().add(new DescribeQuorumResponseData.Listener().setName(ClusterNodes.RAFT_LISTENER).setHost(n.host())
            .setPort(n.raftPort()));
      }
      resp.nodes().add(node);
    }
    return resp;
  }

  /**
   * The directory id is the one the node registered in the metadata (ZERO_UUID, Kafka's none, before it did);
   * versions before 2 have no such field (a non-zero one would not serialize).
   */
  private ReplicaState replica(MetadataQuorum.Replica r, short version) {
    Uuid directory = version < 2 ? Uuid.ZERO_UUID : s.replication.views().registeredNodes().directoryId(r.id());
    return new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(directory).setLogEndOffset(r.endIndex())
        .setLastFetchTimestamp(-1).setLastCaughtUpTimestamp(-1);
  }
}
