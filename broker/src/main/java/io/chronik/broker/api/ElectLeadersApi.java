package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.PreferredElection.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders (KIP-460), so {@code Admin.electLeaders} and {@code kafka-leader-election} work.
 * PREFERRED: each partition's Raft leader is asked to hand leadership to the first replica of its list
 * (see {@code replication.PreferredElection}); the answer waits until that replica leads or the request's
 * timeout passes. UNCLEAN: Raft never elects a replica that may lack committed entries, so there is no
 * unclean election: a partition with a leader needs none (ELECTION_NOT_NEEDED), one without gets
 * ELIGIBLE_LEADERS_NOT_AVAILABLE until a majority of its replicas is back.
 *
 * <p>A request naming no partitions means every partition; then, as in Kafka, partitions already led by
 * their preferred replica are left out of the answer.
 */
final class ElectLeadersApi {
  private static final byte PREFERRED = 0;
  private static final byte UNCLEAN = 1;
  private static final long POLL_MS = 20;
  /** A timeout of 0 or less still gets one look after the transfer had a moment to happen. */
  private static final long TIMEOUT_MIN_MS = 100;

  private final BrokerState s;

  ElectLeadersApi(BrokerState s) {
    this.s = s;
  }

  void electLeaders(RequestContext ctx) {
    ElectLeadersRequestData req = (ElectLeadersRequestData) ctx.request().data();
    boolean all = req.topicPartitions() == null;
    Map<Partition, PartitionResult> asked = new LinkedHashMap<>();
    Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
    List<Partition> partitions = all ? everyPartition() : named(req, byTopic);
    for (Partition p : partitions) {
      PartitionResult r = new PartitionResult().setPartitionId(p.id().partition());
      asked.put(p, r);
      if (req.electionType() == UNCLEAN && !p.hosted()) {
        set(r, Errors.NOT_LEADER_OR_FOLLOWER, "node=" + s.nodeId + " reason=partition-not-hosted-here");
      } else if (req.electionType() == UNCLEAN) {
        boolean led = p.leaderId() >= 0;
        set(r, led ? Errors.ELECTION_NOT_NEEDED : Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
            led ? null : "reason=no-majority raft=no-unclean-election");
      } else if (req.electionType() != PREFERRED) {
        set(r, Errors.INVALID_REQUEST, "electionType=" + req.electionType() + " reason=unknown-election-type");
      }
    }
    Election election = new Election(ctx, req, all, asked, byTopic);
    if (req.electionType() != PREFERRED) {
      election.respond();
      return;
    }
    for (Map.Entry<Partition, PartitionResult> e : asked.entrySet()) {
      Partition p = e.getKey();
      election.outstanding++;
      boolean queued = s.replication.preferredElection().request(p.groupId(),
          outcome -> s.executor.execute(() -> election.requested(p, e.getValue(), outcome)));
      if (!queued) {
        set(e.getValue(), Errors.REQUEST_TIMED_OUT, "reason=driver-queue-full");
        election.outstanding--;
      }
    }
    election.maybeWatch();
  }

  private List<Partition> everyPartition() {
    List<Partition> out = new ArrayList<>();
    for (Topic t : s.topics.topics()) {
      out.addAll(t.partitions());
    }
    return out;
  }

  /** The named partitions; unknown ones get their error at once. */
  private List<Partition> named(ElectLeadersRequestData req, Map<String, ReplicaElectionResult> byTopic) {
    List<Partition> out = new ArrayList<>();
    for (ElectLeadersRequestData.TopicPartitions tp : req.topicPartitions()) {
      Topic t = s.topics.topic(tp.topic());
      for (int index : tp.partitions()) {
        Partition p = t == null ? null : t.partition(index);
        if (p == null) {
          result(byTopic, tp.topic()).partitionResult().add(new PartitionResult().setPartitionId(index)
              .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage("reason=unknown-partition"));
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static ReplicaElectionResult result(Map<String, ReplicaElectionResult> byTopic, String topic) {
    return byTopic.computeIfAbsent(topic, k -> new ReplicaElectionResult().setTopic(k));
  }

  private static void set(PartitionResult r, Errors e, String message) {
    r.setErrorCode(e.code()).setErrorMessage(message);
  }

  /** One request's partitions, from the driver's first answers until the leaders moved or time ran out (state thread). */
  private final class Election {
    private final RequestContext ctx;
    private final boolean all;
    private final Map<Partition, PartitionResult> asked;
    private final Map<String, ReplicaElectionResult> byTopic;
    private final Map<Partition, PartitionResult> watching = new LinkedHashMap<>();
    private final long deadlineNanos;
    int outstanding;

    Election(RequestContext ctx, ElectLeadersRequestData req, boolean all, Map<Partition, PartitionResult> asked,
        Map<String, ReplicaElectionResult> byTopic) {
      this.ctx = ctx;
      this.all = all;
      this.asked = asked;
      this.byTopic = byTopic;
      this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(TIMEOUT_MIN_MS, req.timeoutMs()));
    }

    void requested(Partition p, PartitionResult r, Outcome outcome) {
      switch (outcome) {
        case REQUESTED -> watching.put(p, r);
        case ALREADY_PREFERRED -> set(r, Errors.ELECTION_NOT_NEEDED, null);
        case PREFERRED_UNAVAILABLE -> set(r, Errors.PREFERRED_LEADER_NOT_AVAILABLE,
            "preferred=" + p.replicas().get(0) + " reason=down-or-stopping");
        case NO_LEADER -> set(r, Errors.LEADER_NOT_AVAILABLE, "reason=election-under-way");
        case NOT_HOSTED -> set(r, Errors.NOT_LEADER_OR_FOLLOWER, "node=" + s.nodeId + " reason=partition-not-hosted-here");
      }
      outstanding--;
      maybeWatch();
    }

    void maybeWatch() {
      if (outstanding > 0) {
        return;
      }
      watching.entrySet().removeIf(e -> e.getKey().leaderId() == e.getKey().replicas().get(0));
      if (watching.isEmpty()) {
        respond();
      } else if (System.nanoTime() >= deadlineNanos) {
        watching.forEach((p, r) -> set(r, Errors.PREFERRED_LEADER_NOT_AVAILABLE, "preferred=" + p.replicas().get(0)
            + " leader=" + p.leaderId() + " reason=transfer-not-done-within-timeout"));
        respond();
      } else {
        s.executor.schedule(this::maybeWatch, POLL_MS, TimeUnit.MILLISECONDS);
      }
    }

    void respond() {
      if (ctx.answered()) {
        return;
      }
      asked.forEach((p, r) -> {
        if (!all || r.errorCode() != Errors.ELECTION_NOT_NEEDED.code()) {
          result(byTopic, p.id().topic()).partitionResult().add(r);
        }
      });
      ElectLeadersResponseData resp = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
      resp.replicaElectionResults().addAll(byTopic.values());
      ctx.respond(resp);
    }
  }
}
