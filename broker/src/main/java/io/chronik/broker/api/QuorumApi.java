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
 * Any node answers (Kafka brokers forward to the controller; here every node is a metadata voter):
 * the leader with every member's end offset, a follower with what it knows (-1 where it does not).
 * Chronik keeps no per-follower fetch clock, so the fetch and caught-up timestamps are -1 (unknown).
 */
final class QuorumApi {
  /** The metadata group's name as KRaft calls it (also used for its row in the metrics). */
  static final String METADATA_TOPIC = "__cluster_metadata";

  private final BrokerState s;

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
    boolean asked = s.replication.views().metadataQuorum(q -> s.executor.execute(() -> ctx.respond(response(q))));
    if (!asked) {
      ctx.respond(new DescribeQuorumResponseData().setErrorCode(Errors.REQUEST_TIMED_OUT.code())
          .setErrorMessage("reason=driver-queue-full"));
    }
  }

  private DescribeQuorumResponseData response(MetadataQuorum q) {
    PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(q.leaderId())
        .setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, q.term())).setHighWatermark(q.commitIndex());
    q.voters().forEach(r -> partition.currentVoters().add(replica(r)));
    q.observers().forEach(r -> partition.observers().add(replica(r)));
    DescribeQuorumResponseData resp = new DescribeQuorumResponseData();
    resp.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
        .setPartitions(java.util.List.of(partition)));
    for (ClusterNodes.Node n : s.cluster.nodes()) {
      boolean self = n.id() == s.nodeId;
      DescribeQuorumResponseData.Node node = new DescribeQuorumResponseData.Node().setNodeId(n.id());
      node.listeners().add(new DescribeQuorumResponseData.Listener().setName("PLAINTEXT")
          .setHost(self ? s.advertised.host() : n.host()).setPort(self ? s.advertised.port() : n.kafkaPort()));
      resp.nodes().add(node);
    }
    return resp;
  }

  private static ReplicaState replica(MetadataQuorum.Replica r) {
    return new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(Uuid.ZERO_UUID).setLogEndOffset(r.endIndex())
        .setLastFetchTimestamp(-1).setLastCaughtUpTimestamp(-1);
  }
}
