package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import java.io.IOException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Produce and InitProducerId. acks=1 and acks=all are answered after the append is fsynced (one
 * node: the leader's durable append is the whole ISR); acks=0 gets no response. Transactions are
 * refused: transactional produce and InitProducerId with a transactional id answer
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 */
final class ProduceApi {
  private final BrokerState s;

  ProduceApi(BrokerState s) {
    this.s = s;
  }

  void produce(RequestContext ctx) throws IOException {
    ProduceRequestData req = (ProduceRequestData) ctx.request().data();
    short acks = req.acks();
    ProduceResponseData resp = new ProduceResponseData();
    int batchBytesMax = s.config.intValue("message.bytes.max");
    boolean appended = false;
    for (ProduceRequestData.TopicProduceData td : req.topicData()) {
      boolean byId = ctx.version() >= 13;
      Topic t = byId ? s.topics.topic(td.topicId()) : s.topics.topic(td.name());
      TopicProduceResponse tr = new TopicProduceResponse().setName(td.name()).setTopicId(td.topicId());
      for (ProduceRequestData.PartitionProduceData pd : td.partitionData()) {
        PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(pd.index())
            .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
        Partition p = t == null ? null : t.partition(pd.index());
        if (acks != 0 && acks != 1 && acks != -1) {
          pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
        } else if (req.transactionalId() != null) {
          pr.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
              .setErrorMessage("transactions are not supported");
        } else if (p == null) {
          pr.setErrorCode((t == null && byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        } else if (!(pd.records() instanceof MemoryRecords records)) {
          pr.setErrorCode(Errors.CORRUPT_MESSAGE.code());
        } else {
          Partition.AppendResult r;
          try {
            r = p.append(records, batchBytesMax, acks != 0);
          } catch (CorruptRecordException | InvalidRecordException e) {
            // Raised while walking batch headers (bad magic, impossible sizes): this partition only.
            r = new Partition.AppendResult(Errors.CORRUPT_MESSAGE, -1, e.getMessage());
          }
          pr.setErrorCode(r.error().code()).setErrorMessage(r.message());
          if (r.error() == Errors.NONE) {
            pr.setBaseOffset(r.baseOffset()).setLogStartOffset(p.log().logStartOffset());
            appended = true;
          }
        }
        tr.partitionResponses().add(pr);
      }
      resp.responses().add(tr);
    }
    if (appended) {
      s.fetchWaiters.onAppend();
    }
    if (acks == 0) {
      ctx.noResponse();
    } else {
      ctx.respond(resp);
    }
  }

  void initProducerId(RequestContext ctx) throws IOException {
    InitProducerIdRequestData req = (InitProducerIdRequestData) ctx.request().data();
    InitProducerIdResponseData resp = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
    if (req.transactionalId() != null) {
      resp.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    } else {
      // A fresh id with epoch 0 also serves epoch-bump requests (KIP-360): sequences restart at 0.
      resp.setProducerId(s.producerIds.allocate()).setProducerEpoch((short) 0);
    }
    ctx.respond(resp);
  }
}
