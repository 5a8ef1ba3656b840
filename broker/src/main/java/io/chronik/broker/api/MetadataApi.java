package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.protocol.SupportedApis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/** ApiVersions, Metadata and DescribeCluster: this node is the only broker and leads everything. */
final class MetadataApi {
  private final BrokerState s;

  MetadataApi(BrokerState s) {
    this.s = s;
  }

  void apiVersions(RequestContext ctx) {
    ctx.respond(SupportedApis.apiVersions(Errors.NONE.code()));
  }

  void metadata(RequestContext ctx) throws IOException {
    MetadataRequestData req = (MetadataRequestData) ctx.request().data();
    MetadataResponseData resp = new MetadataResponseData()
        .setClusterId(s.clusterId()).setControllerId(controllerId());
    for (ClusterNodes.Node n : s.knownNodes()) {
      boolean self = n.id() == s.nodeId;
      resp.brokers().add(new MetadataResponseBroker().setNodeId(n.id())
          .setHost(self ? s.advertised.host() : n.host()).setPort(self ? s.advertised.port() : n.kafkaPort()));
    }
    boolean all = req.topics() == null || (ctx.version() == 0 && req.topics().isEmpty());
    if (all) {
      for (Topic t : s.topics.topics()) {
        resp.topics().add(describe(t));
      }
    } else {
      boolean autoCreate = ctx.version() < 4 || req.allowAutoTopicCreation();
      for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
        Topic t = rt.name() != null ? s.topics.topic(rt.name()) : s.topics.topic(rt.topicId());
        if (t == null && rt.name() != null && autoCreate && !TopicNames.invalid(rt.name())
            && s.config.get(BrokerSettings.AUTO_CREATE_TOPICS_ENABLE)) {
          // created through the metadata group; the client retries until the topic has leaders. Too few
          // group ids left: POLICY_VIOLATION, as CreateTopics answers (clients log it while they retry)
          String refusal = s.requestAutoCreate(rt.name());
          Errors e = refusal == null ? Errors.LEADER_NOT_AVAILABLE : Errors.POLICY_VIOLATION;
          resp.topics().add(new MetadataResponseTopic().setName(rt.name()).setTopicId(Uuid.ZERO_UUID)
              .setErrorCode(e.code()));
        } else if (t != null) {
          resp.topics().add(describe(t));
        } else if (rt.name() == null) {
          resp.topics().add(new MetadataResponseTopic().setTopicId(rt.topicId())
              .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        } else {
          Errors e = TopicNames.invalid(rt.name()) ? Errors.INVALID_TOPIC_EXCEPTION : Errors.UNKNOWN_TOPIC_OR_PARTITION;
          resp.topics().add(new MetadataResponseTopic().setName(rt.name()).setTopicId(Uuid.ZERO_UUID)
              .setErrorCode(e.code()));
        }
      }
    }
    ctx.respond(resp);
  }

  private MetadataResponseTopic describe(Topic t) {
    MetadataResponseTopic mt = new MetadataResponseTopic().setName(t.name()).setTopicId(t.id())
        .setIsInternal(false);
    for (Partition p : t.partitions()) {
      List<Integer> replicas = new ArrayList<>(p.shownReplicas());
      int leader = p.leaderId();
      mt.partitions().add(new MetadataResponsePartition().setPartitionIndex(p.id().partition())
          .setErrorCode(leader < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
          .setLeaderId(leader).setLeaderEpoch(p.leaderEpoch()).setReplicaNodes(replicas)
          .setIsrNodes(inSync(replicas, p.adding())).setOfflineReplicas(new ArrayList<>()));
    }
    return mt;
  }

  /**
   * The replicas on nodes this node hears: a replica on a node that went silent (dead, partitioned away,
   * stalled) leaves the ISR as Kafka's leader drops a follower that stopped fetching, so
   * {@code kafka-topics --under-replicated-partitions} and {@code chronik admin safe-to-stop} see it. A
   * restarted replica still catching up counts as soon as it is heard (DescribeQuorum and the replication
   * metrics show its lag). A replica a move adds joins the ISR when the move is done (Kafka adds it once it
   * caught up; here it votes from the move's joint phase on).
   */
  private List<Integer> inSync(List<Integer> replicas, List<Integer> adding) {
    List<Integer> isr = new ArrayList<>(replicas.size());
    for (int r : replicas) {
      if (s.replication.views().hears(r) && !adding.contains(r)) {
        isr.add(r);
      }
    }
    return isr;
  }

  /** The metadata group's leader: it creates topics (the KRaft controller's role); -1 while unknown. */
  private int controllerId() {
    return s.replication.metadataLeader();
  }

  void describeCluster(RequestContext ctx) {
    DescribeClusterRequestData req = (DescribeClusterRequestData) ctx.request().data();
    DescribeClusterResponseData resp = new DescribeClusterResponseData().setClusterId(s.clusterId())
        .setControllerId(controllerId()).setEndpointType(req.endpointType());
    if (req.endpointType() != 1) {
      resp.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
          .setErrorMessage("only broker endpoints are served");
    } else {
      for (ClusterNodes.Node n : s.knownNodes()) {
        boolean self = n.id() == s.nodeId;
        resp.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker().setBrokerId(n.id())
            .setHost(self ? s.advertised.host() : n.host()).setPort(self ? s.advertised.port() : n.kafkaPort()));
      }
    }
    ctx.respond(resp);
  }

  /** Topic name checks shared by handlers. */
  static final class TopicNames {
    private TopicNames() {}

    static boolean invalid(String name) {
      return io.chronik.broker.partition.Topic.invalidNameReason(name) != null;
    }
  }
}
