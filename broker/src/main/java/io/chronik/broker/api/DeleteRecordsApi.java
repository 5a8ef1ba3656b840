package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import io.chronik.broker.replication.LogStartMarker;
import io.chronik.pipeline.completion.Acks;
import io.chronik.pipeline.completion.AppendCallback;
import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.pipeline.produce.PublishResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords: the leader proposes a {@link LogStartMarker} per partition through the partition's
 * Raft log and answers once it is committed (every replica then applies the same log start). An
 * offset of -1 means the high watermark; an offset above it is OFFSET_OUT_OF_RANGE. Records below
 * the log start are no longer served (FetchApi answers OFFSET_OUT_OF_RANGE, ListOffsets(earliest)
 * answers the log start); their segments stay on disk until retention deletes whole segments.
 */
final class DeleteRecordsApi {
  private static final long HIGH_WATERMARK = -1;

  private final BrokerState s;

  DeleteRecordsApi(BrokerState s) {
    this.s = s;
  }

  void deleteRecords(RequestContext ctx) {
    DeleteRecordsRequestData req = (DeleteRecordsRequestData) ctx.request().data();
    DeleteRecordsResponseData resp = new DeleteRecordsResponseData();
    List<Runnable> publishes = new ArrayList<>();
    Pending pending = new Pending(ctx, resp);
    for (DeleteRecordsRequestData.DeleteRecordsTopic dt : req.topics()) {
      Topic t = s.topics.topic(dt.name());
      DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(dt.name());
      for (DeleteRecordsRequestData.DeleteRecordsPartition dp : dt.partitions()) {
        Partition p = t == null ? null : t.partition(dp.partitionIndex());
        DeleteRecordsPartitionResult pr = new DeleteRecordsPartitionResult()
            .setPartitionIndex(dp.partitionIndex()).setLowWatermark(-1);
        tr.partitions().add(pr);
        Errors e = p == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION
            : !p.leading() ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.NONE;
        long offset = p == null || dp.offset() != HIGH_WATERMARK ? dp.offset() : p.highWatermark();
        if (e == Errors.NONE && (offset < 0 || offset > p.highWatermark())) {
          e = Errors.OFFSET_OUT_OF_RANGE;
        }
        if (e != Errors.NONE) {
          pr.setErrorCode(e.code());
        } else if (offset <= p.logStartOffset()) {
          pr.setLowWatermark(p.logStartOffset()); // nothing to move: the log start never goes back
        } else {
          int cookie = pending.add(p, pr, offset);
          publishes.add(() -> publish(pending, p, offset, cookie, pr));
        }
      }
      resp.topics().add(tr);
    }
    publishes.forEach(Runnable::run);
    pending.maybeRespond();
  }

  private void publish(Pending pending, Partition p, long offset, int cookie, DeleteRecordsPartitionResult pr) {
    PublishResult r = s.replication.publish(p.groupId(), p.incarnation(), LogStartMarker.encode(offset), Acks.ALL,
        cookie, pending, s.executor);
    if (r != PublishResult.ACCEPTED) {
      pr.setErrorCode((r == PublishResult.CLOSED ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.REQUEST_TIMED_OUT).code());
      pending.outstanding--;
    }
  }

  /** One request's partitions awaiting their markers' commit (state thread). */
  private static final class Pending implements AppendCallback {
    private final RequestContext ctx;
    private final DeleteRecordsResponseData resp;
    private final List<Partition> partitions = new ArrayList<>();
    private final List<DeleteRecordsPartitionResult> results = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    int outstanding;

    Pending(RequestContext ctx, DeleteRecordsResponseData resp) {
      this.ctx = ctx;
      this.resp = resp;
    }

    int add(Partition p, DeleteRecordsPartitionResult pr, long offset) {
      partitions.add(p);
      results.add(pr);
      offsets.add(offset);
      outstanding++;
      return partitions.size() - 1;
    }

    @Override
    public void onAppendCompleted(long cookie, int groupId, AppendStatus status, long logIndex, long originalOffset,
        short refusalCode) {
      int i = (int) cookie;
      DeleteRecordsPartitionResult pr = results.get(i);
      if (status == AppendStatus.SUCCESS) {
        pr.setLowWatermark(Math.max(offsets.get(i), partitions.get(i).logStartOffset()));
      } else {
        pr.setErrorCode((status == AppendStatus.NOT_LEADER ? Errors.NOT_LEADER_OR_FOLLOWER
            : Errors.REQUEST_TIMED_OUT).code());
      }
      outstanding--;
      maybeRespond();
    }

    void maybeRespond() {
      if (outstanding == 0 && !ctx.answered()) {
        ctx.respond(resp);
      }
    }
  }
}
