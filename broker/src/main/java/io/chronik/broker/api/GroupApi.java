package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.group.Group;
import io.chronik.broker.group.GroupCoordinator;
import io.chronik.broker.group.OffsetStore;
import io.chronik.broker.group.OffsetStore.Committed;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** The classic consumer group APIs, over {@link GroupCoordinator} and {@link OffsetStore}. */
final class GroupApi {
  private static final byte KEY_TYPE_GROUP = 0;

  private final BrokerState s;

  GroupApi(BrokerState s) {
    this.s = s;
  }

  private static long nowMs() {
    return System.currentTimeMillis();
  }

  private static final long READ_BARRIER_TIMEOUT_MS = 5000;

  void findCoordinator(RequestContext ctx) {
    FindCoordinatorRequestData req = (FindCoordinatorRequestData) ctx.request().data();
    FindCoordinatorResponseData resp = new FindCoordinatorResponseData();
    // Transaction coordinators are refused so transactional producers fail fast, not hang.
    // Every group's coordinator is the metadata group's leader: offsets are committed through it.
    int leader = s.replication.metadataLeader();
    ClusterNodes.Node node = leader < 0 ? null : s.node(leader);
    boolean group = req.keyType() == KEY_TYPE_GROUP;
    Errors e = !group ? Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : node == null ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.NONE;
    String msg = !group ? "transactions are not supported" : node == null ? "reason=no-metadata-leader" : null;
    boolean ok = e == Errors.NONE;
    boolean self = ok && leader == s.nodeId;
    String host = !ok ? "" : self ? s.advertised.host() : node.host();
    int port = !ok ? -1 : self ? s.advertised.port() : node.kafkaPort();
    if (ctx.version() < 4) {
      resp.setErrorCode(e.code()).setErrorMessage(msg).setNodeId(ok ? leader : -1).setHost(host).setPort(port);
    } else {
      for (String key : req.coordinatorKeys()) {
        resp.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey(key)
            .setErrorCode(e.code()).setErrorMessage(msg).setNodeId(ok ? leader : -1).setHost(host).setPort(port));
      }
    }
    ctx.respond(resp);
  }

  void joinGroup(RequestContext ctx) {
    JoinGroupRequestData req = (JoinGroupRequestData) ctx.request().data();
    List<Group.Protocol> protocols = new ArrayList<>();
    for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
      protocols.add(new Group.Protocol(p.name(), p.metadata()));
    }
    int rebalanceTimeout = ctx.version() == 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs();
    String clientId = ctx.header().clientId() == null ? "" : ctx.header().clientId();
    s.groups.join(new GroupCoordinator.JoinRequest(req.groupId(), req.memberId(), req.groupInstanceId(),
        clientId, ctx.clientHost(), req.protocolType(), protocols, req.sessionTimeoutMs(),
        rebalanceTimeout, ctx.version() >= 4), nowMs(), resp -> {
          if (ctx.version() < 7 && resp.protocolName() == null) {
            resp.setProtocolName("");
          }
          ctx.respond(resp);
        });
  }

  void syncGroup(RequestContext ctx) {
    SyncGroupRequestData req = (SyncGroupRequestData) ctx.request().data();
    Map<String, byte[]> assignments = new HashMap<>();
    for (SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
      assignments.put(a.memberId(), a.assignment());
    }
    s.groups.sync(req.groupId(), req.memberId(), req.generationId(), assignments, nowMs(),
        (SyncGroupResponseData resp) -> ctx.respond(resp));
  }

  void heartbeat(RequestContext ctx) {
    HeartbeatRequestData req = (HeartbeatRequestData) ctx.request().data();
    Errors e = s.groups.heartbeat(req.groupId(), req.memberId(), req.generationId(), nowMs());
    ctx.respond(new HeartbeatResponseData().setErrorCode(e.code()));
  }

  void leaveGroup(RequestContext ctx) {
    LeaveGroupRequestData req = (LeaveGroupRequestData) ctx.request().data();
    LeaveGroupResponseData resp = new LeaveGroupResponseData();
    if (ctx.version() < 3) {
      resp.setErrorCode(s.groups.leave(req.groupId(), req.memberId(), nowMs()).code());
    } else {
      for (LeaveGroupRequestData.MemberIdentity m : req.members()) {
        Errors e = s.groups.leave(req.groupId(), m.memberId(), nowMs());
        resp.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(m.memberId())
            .setGroupInstanceId(m.groupInstanceId()).setErrorCode(e.code()));
      }
    }
    ctx.respond(resp);
  }

  void offsetCommit(RequestContext ctx) throws IOException {
    OffsetCommitRequestData req = (OffsetCommitRequestData) ctx.request().data();
    Errors groupError = s.groups.validateCommit(req.groupId(), req.memberId(), req.generationIdOrMemberEpoch());
    int metadataMax = s.config.get(BrokerSettings.OFFSET_METADATA_BYTES_MAX);
    OffsetCommitResponseData resp = new OffsetCommitResponseData();
    Map<TopicPartition, Committed> toStore = new LinkedHashMap<>();
    for (OffsetCommitRequestData.OffsetCommitRequestTopic rt : req.topics()) {
      Topic t = rt.name() != null && !rt.name().isEmpty() ? s.topics.topic(rt.name()) : s.topics.topic(rt.topicId());
      OffsetCommitResponseData.OffsetCommitResponseTopic tr = new OffsetCommitResponseData.OffsetCommitResponseTopic()
          .setName(rt.name()).setTopicId(rt.topicId());
      for (OffsetCommitRequestData.OffsetCommitRequestPartition rp : rt.partitions()) {
        Errors e = groupError;
        if (e == Errors.NONE && (t == null || t.partition(rp.partitionIndex()) == null)) {
          e = t == null && ctx.version() >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (e == Errors.NONE && rp.committedMetadata() != null
            && rp.committedMetadata().length() > metadataMax) {
          e = Errors.OFFSET_METADATA_TOO_LARGE;
        }
        if (e == Errors.NONE) {
          toStore.put(new TopicPartition(t.name(), rp.partitionIndex()),
              new Committed(rp.committedOffset(), rp.committedLeaderEpoch(), rp.committedMetadata()));
        }
        tr.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
            .setPartitionIndex(rp.partitionIndex()).setErrorCode(e.code()));
      }
      resp.topics().add(tr);
    }
    MetadataProposals proposals = new MetadataProposals(s, ctx, resp);
    if (!toStore.isEmpty()) {
      proposals.propose(OffsetStore.command(req.groupId(), toStore), status -> {
        if (status != AppendStatus.SUCCESS) {
          // not committed (leadership lost, overloaded): the client rediscovers the coordinator and retries
          for (OffsetCommitResponseData.OffsetCommitResponseTopic tr : resp.topics()) {
            for (OffsetCommitResponseData.OffsetCommitResponsePartition pr : tr.partitions()) {
              if (pr.errorCode() == Errors.NONE.code()) {
                pr.setErrorCode(Errors.NOT_COORDINATOR.code());
              }
            }
          }
        }
      });
    }
    proposals.done();
  }

  /**
   * Answers behind a ReadIndex barrier on the metadata group, so a deposed coordinator cannot serve
   * offsets older than an acknowledged commit; NOT_COORDINATOR when the barrier cannot be set or is
   * not confirmed in time.
   */
  void offsetFetch(RequestContext ctx) {
    if (!s.replication.readMetadata(() -> answerOffsetFetch(ctx), s.executor)) {
      ctx.respondError(new org.apache.kafka.common.errors.NotCoordinatorException("reason=not-metadata-leader"));
      return;
    }
    s.executor.schedule(() -> {
      if (!ctx.answered()) {
        ctx.respondError(new org.apache.kafka.common.errors.NotCoordinatorException("reason=read-not-confirmed"));
      }
    }, READ_BARRIER_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void answerOffsetFetch(RequestContext ctx) {
    if (ctx.answered()) {
      return;
    }
    OffsetFetchRequestData req = (OffsetFetchRequestData) ctx.request().data();
    OffsetFetchResponseData resp = new OffsetFetchResponseData();
    if (ctx.version() < 8) {
      List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics = null;
      if (req.topics() != null) {
        topics = new ArrayList<>();
        for (OffsetFetchRequestData.OffsetFetchRequestTopic t : req.topics()) {
          topics.add(new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(t.name())
              .setPartitionIndexes(t.partitionIndexes()));
        }
      }
      OffsetFetchResponseData.OffsetFetchResponseGroup g = fetchGroup(req.groupId(), topics, ctx.version());
      for (OffsetFetchResponseData.OffsetFetchResponseTopics gt : g.topics()) {
        OffsetFetchResponseData.OffsetFetchResponseTopic t = new OffsetFetchResponseData.OffsetFetchResponseTopic()
            .setName(gt.name());
        for (OffsetFetchResponseData.OffsetFetchResponsePartitions p : gt.partitions()) {
          t.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
              .setPartitionIndex(p.partitionIndex()).setCommittedOffset(p.committedOffset())
              .setCommittedLeaderEpoch(p.committedLeaderEpoch()).setMetadata(p.metadata())
              .setErrorCode(p.errorCode()));
        }
        resp.topics().add(t);
      }
    } else {
      for (OffsetFetchRequestData.OffsetFetchRequestGroup rg : req.groups()) {
        resp.groups().add(fetchGroup(rg.groupId(), rg.topics(), ctx.version()));
      }
    }
    ctx.respond(resp);
  }

  private OffsetFetchResponseData.OffsetFetchResponseGroup fetchGroup(String groupId,
      List<OffsetFetchRequestData.OffsetFetchRequestTopics> topics, short version) {
    Map<TopicPartition, Committed> committed = s.offsets.committed(groupId);
    OffsetFetchResponseData.OffsetFetchResponseGroup g = new OffsetFetchResponseData.OffsetFetchResponseGroup()
        .setGroupId(groupId);
    Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
    if (topics == null) {
      committed.forEach((tp, c) -> {
        Topic t = s.topics.topic(tp.topic());
        if (t != null) {
          topicEntry(byTopic, tp.topic(), t.id(), version).partitions().add(partition(tp.partition(), c));
        }
      });
    } else {
      for (OffsetFetchRequestData.OffsetFetchRequestTopics rt : topics) {
        Topic t = rt.name() != null && !rt.name().isEmpty() ? s.topics.topic(rt.name()) : s.topics.topic(rt.topicId());
        String name = t != null ? t.name() : rt.name();
        OffsetFetchResponseData.OffsetFetchResponseTopics out =
            topicEntry(byTopic, name, t != null ? t.id() : rt.topicId(), version);
        for (int p : rt.partitionIndexes()) {
          Committed c = t == null ? null : committed.get(new TopicPartition(t.name(), p));
          OffsetFetchResponseData.OffsetFetchResponsePartitions r = partition(p, c);
          if (t == null && version >= 10) {
            r.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
          }
          out.partitions().add(r);
        }
      }
    }
    g.topics().addAll(byTopic.values());
    return g;
  }

  private static OffsetFetchResponseData.OffsetFetchResponseTopics topicEntry(
      Map<String, OffsetFetchResponseData.OffsetFetchResponseTopics> byTopic, String name, Uuid id, short version) {
    return byTopic.computeIfAbsent(name + "/" + id, k -> new OffsetFetchResponseData.OffsetFetchResponseTopics()
        .setName(version >= 10 ? "" : name).setTopicId(version >= 10 ? id : Uuid.ZERO_UUID));
  }

  private static OffsetFetchResponseData.OffsetFetchResponsePartitions partition(int index, Committed c) {
    return new OffsetFetchResponseData.OffsetFetchResponsePartitions().setPartitionIndex(index)
        .setCommittedOffset(c == null ? -1 : c.offset())
        .setCommittedLeaderEpoch(c == null ? -1 : c.leaderEpoch())
        .setMetadata(c == null ? "" : c.metadata());
  }

  void listGroups(RequestContext ctx) {
    ListGroupsRequestData req = (ListGroupsRequestData) ctx.request().data();
    ListGroupsResponseData resp = new ListGroupsResponseData();
    for (Group g : s.groups.groups()) {
      String state = g.state().kafkaName;
      boolean stateOk = req.statesFilter().isEmpty() || req.statesFilter().stream().anyMatch(state::equalsIgnoreCase);
      boolean typeOk = req.typesFilter().isEmpty() || req.typesFilter().stream().anyMatch("classic"::equalsIgnoreCase);
      if (stateOk && typeOk) {
        resp.groups().add(new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
            .setProtocolType(g.protocolType() == null ? "" : g.protocolType()).setGroupState(state)
            .setGroupType("classic"));
      }
    }
    ctx.respond(resp);
  }

  void describeGroups(RequestContext ctx) {
    DescribeGroupsRequestData req = (DescribeGroupsRequestData) ctx.request().data();
    DescribeGroupsResponseData resp = new DescribeGroupsResponseData();
    for (String id : req.groups()) {
      Group g = s.groups.group(id);
      DescribeGroupsResponseData.DescribedGroup dg = new DescribeGroupsResponseData.DescribedGroup().setGroupId(id);
      if (g == null && !s.offsets.committed(id).isEmpty()) {
        // no members but committed offsets: Kafka reports such a group as Empty
        dg.setGroupState("Empty").setProtocolType("").setProtocolData("");
      } else if (g == null) {
        dg.setGroupState("Dead").setProtocolType("").setProtocolData("");
        if (ctx.version() >= 6) {
          dg.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("group=" + id);
        }
      } else {
        dg.setGroupState(g.state().kafkaName)
            .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
            .setProtocolData(g.protocolName() == null ? "" : g.protocolName());
        boolean stable = g.state() == Group.State.STABLE;
        for (Group.Member m : g.members().values()) {
          dg.members().add(new DescribeGroupsResponseData.DescribedGroupMember().setMemberId(m.memberId())
              .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
              .setMemberMetadata(stable ? m.metadata(g.protocolName()) : new byte[0])
              .setMemberAssignment(stable ? m.assignment() : new byte[0]));
        }
      }
      resp.groups().add(dg);
    }
    ctx.respond(resp);
  }
}
