package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.partition.Partition;
import io.chronik.broker.config.TopicConfigs;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.produce.PublishResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.LeaderIdAndEpoch;
import org.apache.kafka.common.message.ProduceResponseData.NodeEndpoint;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce and InitProducerId. Each partition's records are validated here and published into the
 * replication pipeline (Disruptor ring → one Raft proposal per partition per batch → one fsync per
 * driver loop → replication); the response is written when every partition's append completed:
 * acks=all once a Raft majority has it durably (committed), acks=1 once the leader's own fsync covers
 * it. acks=0 gets no response (the append is still made durable). Transactions are refused with
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 */
final class ProduceApi {
  private static final Logger LOG = LoggerFactory.getLogger(ProduceApi.class);
  /** The first Produce version with KIP-951's current-leader hint and node endpoints. */
  private static final short LEADER_HINT_VERSION = 10;

  private final BrokerState s;
  private final LeaderHints hints;

  ProduceApi(BrokerState s) {
    this.s = s;
    this.hints = new LeaderHints(s);
  }

  /** The appends of one produce request; completes the response when the last one completes. */
  private final class PendingProduce implements AppendCallback {
    private final RequestContext ctx;
    private final ProduceResponseData response;
    private final List<PartitionProduceResponse> slots = new ArrayList<>();
    private final List<Partition> partitions = new ArrayList<>();
    private final List<ByteBuffer> payloads = new ArrayList<>();
    private int outstanding;

    PendingProduce(RequestContext ctx, ProduceResponseData response) {
      this.ctx = ctx;
      this.response = response;
    }

    @Override
    public void onAppendCompleted(long cookie, int groupId, AppendStatus status, long logIndex, long originalOffset,
        short refusalCode) {
      PartitionProduceResponse pr = slots.get((int) cookie);
      switch (status) {
        case SUCCESS -> {
          ByteBuffer payload = payloads.get((int) cookie);
          s.traffic.appended(payload);
          succeed(pr, payload.getLong(payload.position()));
        }
        case DUPLICATE -> succeed(pr, originalOffset);
        case REFUSED -> pr.setErrorCode(refusalCode);
        case OVERLOADED -> pr.setErrorCode(Errors.NOT_ENOUGH_REPLICAS.code())
            .setErrorMessage("reason=leader-busy-or-original-uncommitted");
        case STORAGE_ERROR -> pr.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        case FAILED -> pr.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code()).setErrorMessage("reason=append-failed");
        default -> notLeader(ctx, response, pr, partitions.get((int) cookie));
      }
      if (--outstanding == 0) {
        s.traffic.produceAnswered();
        ctx.respond(response);
      }
    }

    private void succeed(PartitionProduceResponse pr, long baseOffset) {
      pr.setErrorCode(Errors.NONE.code()).setBaseOffset(baseOffset).setLogStartOffset(0);
    }
  }

  void produce(RequestContext ctx) {
    ProduceRequestData req = (ProduceRequestData) ctx.request().data();
    short acks = req.acks();
    ProduceResponseData resp = new ProduceResponseData();
    PendingProduce pending = new PendingProduce(ctx, resp);
    int batchBytesMax = s.config.get(BrokerSettings.MESSAGE_BYTES_MAX);
    List<Runnable> publishes = new ArrayList<>();
    for (ProduceRequestData.TopicProduceData td : req.topicData()) {
      boolean byId = ctx.version() >= 13;
      Topic t = byId ? s.topics.topic(td.topicId()) : s.topics.topic(td.name());
      TopicProduceResponse tr = new TopicProduceResponse().setName(td.name()).setTopicId(td.topicId());
      for (ProduceRequestData.PartitionProduceData pd : td.partitionData()) {
        PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(pd.index())
            .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
        tr.partitionResponses().add(pr);
        Partition p = t == null ? null : t.partition(pd.index());
        Errors e = check(acks, req, t, p, byId);
        if (e == Errors.NOT_LEADER_OR_FOLLOWER) {
          notLeader(ctx, resp, pr, p);
          continue;
        }
        if (e != Errors.NONE) {
          pr.setErrorCode(e.code());
          if (e == Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED) {
            pr.setErrorMessage("transactions are not supported");
          }
          continue;
        }
        if (!(pd.records() instanceof MemoryRecords records)) {
          pr.setErrorCode(Errors.CORRUPT_MESSAGE.code());
          continue;
        }
        boolean compacted = TopicConfigs.cleanupPolicy(t.configs(), s.config).contains("compact");
        RecordValidation.Outcome v = RecordValidation.check(records, batchBytesMax, compacted);
        if (v.error() != Errors.NONE) {
          pr.setErrorCode(v.error().code()).setErrorMessage(v.message());
          continue;
        }
        int cookie = pending.slots.size();
        pending.slots.add(pr);
        pending.partitions.add(p);
        ByteBuffer payload = records.buffer();
        pending.payloads.add(payload);
        publishes.add(() -> publish(pending, p, payload, acks, cookie, pr));
      }
      resp.responses().add(tr);
    }
    // count every append before the first can complete, so the response is written exactly once
    pending.outstanding = publishes.size() + 1;
    s.traffic.produceStarted();
    publishes.forEach(Runnable::run);
    if (acks == 0) {
      s.traffic.produceAnswered();
      ctx.noResponse();
    } else if (--pending.outstanding == 0) {
      s.traffic.produceAnswered();
      ctx.respond(resp);
    }
  }

  private Errors check(short acks, ProduceRequestData req, Topic t, Partition p, boolean byId) {
    if (acks != 0 && acks != 1 && acks != -1) {
      return Errors.INVALID_REQUIRED_ACKS;
    }
    if (req.transactionalId() != null) {
      return Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    }
    if (p == null) {
      return t == null && byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    return p.leading() ? Errors.NONE : Errors.NOT_LEADER_OR_FOLLOWER;
  }

  private void publish(PendingProduce pending, Partition p, ByteBuffer payload, short acks, int cookie,
      PartitionProduceResponse pr) {
    boolean answer = acks != 0;
    PublishResult r = s.replication.publish(p.groupId(), p.incarnation(), payload, Acks.ofKafka(acks), cookie,
        answer ? pending : null, answer ? s.executor : null);
    if (r == PublishResult.ACCEPTED) {
      if (!answer) {
        s.traffic.appended(payload); // acks=0: nothing confirms the append, so accepted counts
        pending.outstanding--;
      }
      return;
    }
    pending.outstanding--;
    pr.setErrorCode(switch (r) {
      case TOO_LARGE -> Errors.MESSAGE_TOO_LARGE.code();
      case CLOSED -> Errors.NOT_LEADER_OR_FOLLOWER.code();
      default -> Errors.NOT_ENOUGH_REPLICAS.code(); // ring or in-flight limit full: back-pressure, retry
    }).setErrorMessage("reason=" + r);
    if (r == PublishResult.CLOSED) {
      notLeader(pending.ctx, pending.response, pr, p);
    }
  }

  /** NOT_LEADER_OR_FOLLOWER, naming the current leader and its endpoint when known (KIP-951, v10+). */
  private void notLeader(RequestContext ctx, ProduceResponseData resp, PartitionProduceResponse pr, Partition p) {
    pr.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
    if (ctx.version() < LEADER_HINT_VERSION) {
      return;
    }
    int leader = hints.otherLeader(p, n -> {
      if (resp.nodeEndpoints().find(n.id()) == null) {
        resp.nodeEndpoints().add(new NodeEndpoint().setNodeId(n.id()).setHost(n.host()).setPort(n.kafkaPort()));
      }
    });
    if (leader >= 0) {
      pr.setCurrentLeader(new LeaderIdAndEpoch().setLeaderId(leader).setLeaderEpoch(p.leaderEpoch()));
    }
  }

  void initProducerId(RequestContext ctx) throws IOException {
    InitProducerIdRequestData req = (InitProducerIdRequestData) ctx.request().data();
    InitProducerIdResponseData resp = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
    if (req.transactionalId() != null) {
      resp.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    } else {
      // A fresh id with epoch 0 also serves epoch-bump requests (KIP-360): sequences restart at 0.
      try {
        resp.setProducerId(s.producerIds.allocate()).setProducerEpoch((short) 0);
      } catch (IOException e) {
        // the next id block could not be stored (disk full, I/O error): retriable, as Kafka's answer while no
        // block is ready; UNKNOWN_SERVER_ERROR here is fatal to a Java producer, which would never come back
        LOG.warn("api=InitProducerId reason=producer-id-block-not-stored error={}", e.toString());
        resp.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
      }
    }
    ctx.respond(resp);
  }
}
