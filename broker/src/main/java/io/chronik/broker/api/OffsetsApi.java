package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import java.io.IOException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** ListOffsets (earliest, latest, max timestamp, by timestamp) and OffsetForLeaderEpoch. */
final class OffsetsApi {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetsApi.class);
  static final long LATEST = -1;
  static final long EARLIEST = -2;
  static final long MAX_TIMESTAMP = -3;
  static final long EARLIEST_LOCAL = -4;

  private final BrokerState s;

  OffsetsApi(BrokerState s) {
    this.s = s;
  }

  void listOffsets(RequestContext ctx) throws IOException {
    ListOffsetsRequestData req = (ListOffsetsRequestData) ctx.request().data();
    ListOffsetsResponseData resp = new ListOffsetsResponseData();
    for (ListOffsetsRequestData.ListOffsetsTopic lt : req.topics()) {
      Topic t = s.topics.topic(lt.name());
      ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(lt.name());
      for (ListOffsetsRequestData.ListOffsetsPartition lp : lt.partitions()) {
        Partition p = t == null ? null : t.partition(lp.partitionIndex());
        ListOffsetsPartitionResponse pr = new ListOffsetsPartitionResponse()
            .setPartitionIndex(lp.partitionIndex()).setTimestamp(-1).setOffset(-1).setLeaderEpoch(-1);
        Errors e = p == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION
            : !p.leading() ? Errors.NOT_LEADER_OR_FOLLOWER
            : lookupError("ListOffsets", lp.currentLeaderEpoch(), p);
        if (e != Errors.NONE) {
          pr.setErrorCode(e.code());
        } else {
          long[] found = lookup(p, lp.timestamp());
          if (found != null) {
            pr.setOffset(found[0]).setTimestamp(found[1]);
            if (ctx.version() >= 4) {
              pr.setLeaderEpoch(p.leaderEpoch());
            }
          }
        }
        tr.partitions().add(pr);
      }
      resp.topics().add(tr);
    }
    ctx.respond(resp);
  }

  /**
   * A leading partition's answer to an offset lookup: the client's epoch check first, then
   * OFFSET_NOT_AVAILABLE (retriable) while a new leader has not yet committed an entry of its term,
   * because its committed offsets may still lag what the previous leader acknowledged.
   */
  private static Errors lookupError(String api, int clientEpoch, Partition p) {
    Errors epoch = LeaderEpochs.check(clientEpoch, p.leaderEpoch());
    if (epoch != Errors.NONE) {
      return epoch;
    }
    if (p.leaderCaughtUp()) {
      return Errors.NONE;
    }
    // rare (the first commit round trip of a term) and worth seeing when a run is read afterwards
    LOG.info("partition={} api={} epoch={} highWatermark={} error=OFFSET_NOT_AVAILABLE reason=leader-not-caught-up",
        p.id(), api, p.leaderEpoch(), p.highWatermark());
    return Errors.OFFSET_NOT_AVAILABLE;
  }

  /** {offset, timestamp} for the requested timestamp or special value; null = no such offset. */
  private static long[] lookup(Partition p, long ts) throws IOException {
    if (ts == LATEST) {
      return new long[] {p.highWatermark(), -1};
    }
    if (ts == EARLIEST || ts == EARLIEST_LOCAL) {
      return new long[] {p.logStartOffset(), -1};
    }
    if (ts == MAX_TIMESTAMP) {
      return p.offsetOfMaxTimestamp();
    }
    if (ts < 0) {
      return null;
    }
    return p.offsetForTimestamp(ts);
  }

  void offsetForLeaderEpoch(RequestContext ctx) {
    OffsetForLeaderEpochRequestData req = (OffsetForLeaderEpochRequestData) ctx.request().data();
    OffsetForLeaderEpochResponseData resp = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic ot : req.topics()) {
      Topic t = s.topics.topic(ot.topic());
      OffsetForLeaderTopicResult tr = new OffsetForLeaderTopicResult().setTopic(ot.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition op : ot.partitions()) {
        Partition p = t == null ? null : t.partition(op.partition());
        EpochEndOffset r = new EpochEndOffset().setPartition(op.partition()).setLeaderEpoch(-1).setEndOffset(-1);
        Errors e = p == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION
            : !p.leading() ? Errors.NOT_LEADER_OR_FOLLOWER
            : lookupError("OffsetForLeaderEpoch", op.currentLeaderEpoch(), p);
        if (e != Errors.NONE) {
          r.setErrorCode(e.code());
        } else if (op.leaderEpoch() >= p.leaderEpoch()) {
          r.setLeaderEpoch(p.leaderEpoch()).setEndOffset(p.logEndOffset());
        } else {
          // epochs are Raft terms; committed entries are never truncated, so this answer is stable
          long[] end = p.epochEnd(op.leaderEpoch());
          r.setLeaderEpoch((int) end[0]).setEndOffset(end[1]);
        }
        tr.partitions().add(r);
      }
      resp.topics().add(tr);
    }
    ctx.respond(resp);
  }
}
