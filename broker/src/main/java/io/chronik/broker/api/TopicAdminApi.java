package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.TopicConfigs;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.replication.GroupIdSupply;
import io.chronik.broker.replication.MetadataCommand;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.broker.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics (with per-topic configs, validated by {@link TopicConfigs} and stored with the topic
 * in the metadata group), DeleteTopics, CreatePartitions. Configs are described and altered by
 * {@link TopicConfigApi}.
 *
 * <p>Every new partition takes a Raft group id ({@link GroupIdSupply}; a deleted topic gives its ids
 * back): a topic whose partitions would need more ids than are left gets POLICY_VIOLATION (Kafka's
 * answer to a request over a controller-side resource limit) with {@code reason=raft-groups-exhausted}, validateOnly too. The other
 * topics of the request go on, counted against what the earlier ones take. The metadata image decides
 * finally when it assigns the ids (a concurrent request may have taken them meanwhile); its refusal is
 * answered the same way.
 */
final class TopicAdminApi {

  private static final long LEADER_SETTLE_MS = 5000;

  private final BrokerState s;

  TopicAdminApi(BrokerState s) {
    this.s = s;
  }

  void createTopics(RequestContext ctx) {
    CreateTopicsRequestData req = (CreateTopicsRequestData) ctx.request().data();
    CreateTopicsResponseData resp = new CreateTopicsResponseData();
    MetadataProposals proposals = new MetadataProposals(s, ctx, resp);
    GroupIdSupply ids = s.metadata.groupIds();
    for (CreatableTopic ct : req.topics()) {
      CreatableTopicResult r = new CreatableTopicResult().setName(ct.name()).setTopicId(Uuid.ZERO_UUID);
      resp.topics().add(r);
      int partitions = ct.numPartitions() == -1 ? s.config.get(BrokerSettings.NUM_PARTITIONS) : ct.numPartitions();
      if (!ct.assignments().isEmpty()) {
        partitions = ct.assignments().size();
      }
      // topics are placed on the seed nodes that have not left (docs/MEMBERSHIP.md)
      int nodes = (int) s.config.seedNodes().nodes().stream()
          .filter(n -> !s.replication.views().registeredNodes().left(n.id())).count();
      int rf = ct.replicationFactor() == -1 ? Math.min(nodes, s.config.get(BrokerSettings.REPLICATION_FACTOR))
          : ct.replicationFactor();
      String invalid = Topic.invalidNameReason(ct.name());
      if (invalid != null) {
        fail(r, Errors.INVALID_TOPIC_EXCEPTION, invalid);
      } else if (!s.replication.metadataLeading()) {
        fail(r, Errors.NOT_CONTROLLER, "controller=" + s.replication.metadataLeader());
      } else if (s.topics.topic(ct.name()) != null) {
        fail(r, Errors.TOPIC_ALREADY_EXISTS, "topic=" + ct.name() + " exists");
      } else if (rf < 1 || rf > nodes) {
        fail(r, Errors.INVALID_REPLICATION_FACTOR, "replicationFactor=" + rf + " nodes=" + nodes);
      } else if (partitions < 1 || partitions > s.config.get(BrokerSettings.PARTITIONS_MAX)) {
        fail(r, Errors.INVALID_PARTITIONS, "numPartitions=" + partitions);
      } else if (configRefusal(ct) != null) {
        fail(r, Errors.INVALID_CONFIG, configRefusal(ct));
      } else if (ids.refusal(partitions) != null) {
        fail(r, Errors.POLICY_VIOLATION, ids.refusal(partitions));
      } else {
        ids = ids.after(partitions);
        r.setNumPartitions(partitions).setReplicationFactor((short) rf);
        if (!req.validateOnly()) {
          Uuid id = Uuid.randomUuid();
          int requested = partitions;
          proposals.propose(new MetadataCommand.CreateTopic(ct.name(), id.getMostSignificantBits(),
              id.getLeastSignificantBits(), partitions, rf, configsOf(ct)),
              status -> created(r, id, requested, status));
        }
      }
    }
    proposals.settleWhen(() -> leadersKnown(req), LEADER_SETTLE_MS);
    proposals.done();
  }

  /** Null when every config of the topic may be set, else why not. */
  private static String configRefusal(CreatableTopic ct) {
    for (CreateTopicsRequestData.CreatableTopicConfig c : ct.configs()) {
      String reason = TopicConfigs.invalidReason(c.name(), c.value());
      if (reason != null) {
        return reason;
      }
    }
    return null;
  }

  private static Map<String, String> configsOf(CreatableTopic ct) {
    Map<String, String> m = new LinkedHashMap<>();
    ct.configs().forEach(c -> m.put(c.name(), c.value()));
    return m;
  }

  /** Every partition of every created topic has a known leader. */
  private boolean leadersKnown(CreateTopicsRequestData req) {
    for (CreatableTopic ct : req.topics()) {
      Topic t = s.topics.topic(ct.name());
      if (t != null) {
        for (io.chronik.broker.partition.Partition p : t.partitions()) {
          if (p.leaderId() < 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Outcome of a CreateTopic: ours if the applied topic carries the id we proposed. Applied but absent:
   * the image refused it for want of group ids (a concurrent request took them), unless it was deleted since.
   */
  private void created(CreatableTopicResult r, Uuid id, int partitions, AppendStatus status) {
    Topic t = s.topics.topic(r.name());
    String exhausted = s.metadata.groupIds().refusal(partitions);
    if (status == AppendStatus.SUCCESS && t != null && t.id().equals(id)) {
      r.setTopicId(id);
    } else if (status == AppendStatus.SUCCESS && t == null && exhausted != null) {
      fail(r, Errors.POLICY_VIOLATION, exhausted);
    } else if (status == AppendStatus.SUCCESS) {
      fail(r, t == null ? Errors.INVALID_PARTITIONS : Errors.TOPIC_ALREADY_EXISTS, "topic=" + r.name());
    } else {
      fail(r, Errors.NOT_CONTROLLER, "reason=" + status);
    }
  }

  private static void fail(CreatableTopicResult r, Errors e, String message) {
    r.setErrorCode(e.code()).setErrorMessage(message).setNumPartitions(-1).setReplicationFactor((short) -1)
        .setConfigs(null);
  }

  void deleteTopics(RequestContext ctx) {
    DeleteTopicsRequestData req = (DeleteTopicsRequestData) ctx.request().data();
    DeleteTopicsResponseData resp = new DeleteTopicsResponseData();
    MetadataProposals proposals = new MetadataProposals(s, ctx, resp);
    List<DeleteTopicsRequestData.DeleteTopicState> targets = new ArrayList<>(req.topics());
    for (String name : req.topicNames()) {
      targets.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
    }
    for (DeleteTopicsRequestData.DeleteTopicState d : targets) {
      boolean byId = d.name() == null;
      Topic t = byId ? s.topics.topic(d.topicId()) : s.topics.topic(d.name());
      DeletableTopicResult r = new DeletableTopicResult().setName(d.name()).setTopicId(d.topicId());
      if (t == null) {
        r.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
      } else if (!s.replication.metadataLeading()) {
        r.setErrorCode(Errors.NOT_CONTROLLER.code());
      } else {
        r.setName(t.name()).setTopicId(t.id());
        proposals.propose(new MetadataCommand.DeleteTopic(t.name()), status -> {
          if (status != AppendStatus.SUCCESS) {
            r.setErrorCode(Errors.NOT_CONTROLLER.code()).setErrorMessage("reason=" + status);
          }
        });
      }
      resp.responses().add(r);
    }
    proposals.done();
  }

  void createPartitions(RequestContext ctx) {
    CreatePartitionsRequestData req = (CreatePartitionsRequestData) ctx.request().data();
    CreatePartitionsResponseData resp = new CreatePartitionsResponseData();
    MetadataProposals proposals = new MetadataProposals(s, ctx, resp);
    GroupIdSupply ids = s.metadata.groupIds();
    for (CreatePartitionsRequestData.CreatePartitionsTopic ct : req.topics()) {
      CreatePartitionsTopicResult r = new CreatePartitionsTopicResult().setName(ct.name());
      Topic t = s.topics.topic(ct.name());
      if (t == null) {
        r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
      } else if (ct.count() <= t.partitions().size() || ct.count() > s.config.get(BrokerSettings.PARTITIONS_MAX)) {
        r.setErrorCode(Errors.INVALID_PARTITIONS.code()).setErrorMessage(
            "count=" + ct.count() + " current=" + t.partitions().size() + " reason=must-grow");
      } else if (!s.replication.metadataLeading()) {
        r.setErrorCode(Errors.NOT_CONTROLLER.code());
      } else if (ids.refusal(ct.count() - t.partitions().size()) != null) {
        r.setErrorCode(Errors.POLICY_VIOLATION.code())
            .setErrorMessage(ids.refusal(ct.count() - t.partitions().size()));
      } else {
        ids = ids.after(ct.count() - t.partitions().size());
        if (!req.validateOnly()) {
          int rf = t.partitions().get(0).replicas().size();
          proposals.propose(new MetadataCommand.AddPartitions(t.name(), ct.count(), rf), status -> grown(r, ct.count(),
              status));
        }
      }
      resp.results().add(r);
    }
    proposals.done();
  }

  /**
   * Outcome of an AddPartitions: applied but the topic still short of {@code count} partitions means the
   * image refused it for want of group ids (a concurrent request took them).
   */
  private void grown(CreatePartitionsTopicResult r, int count, AppendStatus status) {
    Topic t = s.topics.topic(r.name());
    if (status != AppendStatus.SUCCESS) {
      r.setErrorCode(Errors.NOT_CONTROLLER.code()).setErrorMessage("reason=" + status);
    } else if (t != null && t.partitions().size() < count
        && s.metadata.groupIds().refusal(count - t.partitions().size()) != null) {
      r.setErrorCode(Errors.POLICY_VIOLATION.code())
          .setErrorMessage(s.metadata.groupIds().refusal(count - t.partitions().size()));
    }
  }
}
