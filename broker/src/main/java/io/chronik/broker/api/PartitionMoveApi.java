package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.MetadataCommand;
import io.chronik.pipeline.completion.AppendStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartitionReassignments and ListPartitionReassignments (Kafka's partition moves; docs/MEMBERSHIP.md).
 * The controller (metadata leader) validates each partition as Kafka's controller does and records a
 * valid move as a {@code MovePartition} command in the metadata group; the partition's Raft leader carries
 * it out by joint consensus and records its end. A refused partition gets Kafka's error code and changes
 * nothing; the others of the request go on.
 */
final class PartitionMoveApi {
  private final BrokerState s;

  PartitionMoveApi(BrokerState s) {
    this.s = s;
  }

  void alterPartitionReassignments(RequestContext ctx) {
    AlterPartitionReassignmentsRequestData req = (AlterPartitionReassignmentsRequestData) ctx.request().data();
    AlterPartitionReassignmentsResponseData resp = new AlterPartitionReassignmentsResponseData()
        .setAllowReplicationFactorChange(req.allowReplicationFactorChange());
    if (!s.replication.metadataLeading()) {
      // the admin client looks the controller up again and retries
      ctx.respond(resp.setErrorCode(Errors.NOT_CONTROLLER.code())
          .setErrorMessage("controller=" + s.replication.metadataLeader()));
      return;
    }
    MetadataProposals proposals = new MetadataProposals(s, ctx, resp);
    for (ReassignableTopic rt : req.topics()) {
      ReassignableTopicResponse tr = new ReassignableTopicResponse().setName(rt.name());
      resp.responses().add(tr);
      for (ReassignablePartition rp : rt.partitions()) {
        ReassignablePartitionResponse r = new ReassignablePartitionResponse().setPartitionIndex(rp.partitionIndex())
            .setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        tr.partitions().add(r);
        Topic t = s.topics.topic(rt.name());
        Partition p = t == null ? null : t.partition(rp.partitionIndex());
        Refusal refusal = refusal(rt.name(), rp, p, req.allowReplicationFactorChange());
        if (refusal != null) {
          r.setErrorCode(refusal.error().code()).setErrorMessage(refusal.message());
          continue;
        }
        List<Integer> target = rp.replicas() == null ? List.of() : List.copyOf(rp.replicas());
        proposals.propose(new MetadataCommand.MovePartition(rt.name(), rp.partitionIndex(), target), status -> {
          if (status != AppendStatus.SUCCESS) {
            r.setErrorCode(Errors.NOT_CONTROLLER.code()).setErrorMessage("reason=" + status);
          }
        });
      }
    }
    proposals.done();
  }

  /** Why Kafka's controller would refuse this partition's reassignment, or null. */
  record Refusal(Errors error, String message) {}

  /**
   * Kafka's answers: an unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION; a cancellation of a partition
   * that does not move NO_REASSIGNMENT_IN_PROGRESS; an empty replica list, a node named twice or a node that
   * is not one of the cluster's INVALID_REPLICA_ASSIGNMENT (its messages too); another replica count without
   * {@code allowReplicationFactorChange} INVALID_REPLICATION_FACTOR.
   */
  Refusal refusal(String topic, ReassignablePartition rp, Partition p, boolean allowReplicationFactorChange) {
    if (p == null) {
      return new Refusal(Errors.UNKNOWN_TOPIC_OR_PARTITION,
          "topic=" + topic + " partition=" + rp.partitionIndex() + " reason=unknown-partition");
    }
    if (rp.replicas() == null) {
      return p.moving() ? null : new Refusal(Errors.NO_REASSIGNMENT_IN_PROGRESS,
          "topic=" + topic + " partition=" + rp.partitionIndex() + " reason=no-move-to-cancel");
    }
    if (rp.replicas().isEmpty()) {
      return new Refusal(Errors.INVALID_REPLICA_ASSIGNMENT,
          "The manual partition assignment includes an empty replica list.");
    }
    Set<Integer> seen = new HashSet<>();
    for (int node : rp.replicas()) {
      if (s.knownNode(node) == null) {
        return new Refusal(Errors.INVALID_REPLICA_ASSIGNMENT,
            "The manual partition assignment includes broker " + node + ", but no such broker is registered.");
      }
      if (!seen.add(node)) {
        return new Refusal(Errors.INVALID_REPLICA_ASSIGNMENT,
            "The manual partition assignment includes the broker " + node + " more than once.");
      }
    }
    if (!allowReplicationFactorChange && rp.replicas().size() != p.replicas().size()) {
      return new Refusal(Errors.INVALID_REPLICATION_FACTOR, "topic=" + topic + " partition=" + rp.partitionIndex()
          + " replicas=" + rp.replicas().size() + " current=" + p.replicas().size()
          + " reason=replication-factor-change-not-allowed");
    }
    return null;
  }

  void listPartitionReassignments(RequestContext ctx) {
    ListPartitionReassignmentsRequestData req = (ListPartitionReassignmentsRequestData) ctx.request().data();
    ListPartitionReassignmentsResponseData resp = new ListPartitionReassignmentsResponseData();
    if (!s.replication.metadataLeading()) {
      ctx.respond(resp.setErrorCode(Errors.NOT_CONTROLLER.code())
          .setErrorMessage("controller=" + s.replication.metadataLeader()));
      return;
    }
    if (req.topics() == null) {
      for (Topic t : s.topics.topics()) {
        addMoving(resp, t, t.partitions());
      }
    } else {
      for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics rt : req.topics()) {
        Topic t = s.topics.topic(rt.name());
        if (t != null) {
          List<Partition> named = new ArrayList<>();
          rt.partitionIndexes().forEach(i -> {
            if (t.partition(i) != null) {
              named.add(t.partition(i));
            }
          });
          addMoving(resp, t, named);
        }
      }
    }
    ctx.respond(resp);
  }

  /** The partitions of {@code topic} among {@code partitions} that move, as Kafka lists them. */
  private static void addMoving(ListPartitionReassignmentsResponseData resp, Topic topic, List<Partition> partitions) {
    OngoingTopicReassignment ot = new OngoingTopicReassignment().setName(topic.name());
    for (Partition p : partitions) {
      if (p.moving()) {
        ot.partitions().add(new OngoingPartitionReassignment().setPartitionIndex(p.id().partition())
            .setReplicas(new ArrayList<>(p.shownReplicas())).setAddingReplicas(new ArrayList<>(p.adding()))
            .setRemovingReplicas(new ArrayList<>(p.removing())));
      }
    }
    if (!ot.partitions().isEmpty()) {
      resp.topics().add(ot);
    }
  }
}
