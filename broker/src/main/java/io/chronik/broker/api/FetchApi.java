package io.chronik.broker.api;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.LeaderIdAndEpoch;
import org.apache.kafka.common.message.FetchResponseData.NodeEndpoint;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Fetch with long-poll, from partition leaders only and only up to the high watermark (Raft commit):
 * answered at once when min bytes are available or any partition has an error, else parked until
 * commits bring enough bytes or max wait expires. Sessionless: the
 * response's session id 0 tells clients to send full fetch requests (KIP-227 allows this).
 */
final class FetchApi {
  /** The first Fetch version with KIP-951's current-leader hint and node endpoints. */
  private static final short LEADER_HINT_VERSION = 16;

  private final BrokerState s;
  private final LeaderHints hints;

  FetchApi(BrokerState s) {
    this.s = s;
    this.hints = new LeaderHints(s);
  }

  void fetch(RequestContext ctx) {
    FetchRequestData req = (FetchRequestData) ctx.request().data();
    if (req.sessionId() != 0) {
      ctx.respond(new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
          .setSessionId(0));
      return;
    }
    if (attempt(ctx, req, req.maxWaitMs() <= 0)) {
      return;
    }
    Object[] timer = new Object[1];
    BooleanSupplier waiter = () -> {
      boolean done = attempt(ctx, req, false);
      if (done) {
        ((ScheduledFuture<?>) timer[0]).cancel(false);
      }
      return done;
    };
    s.fetchWaiters.park(waiter);
    timer[0] = s.executor.schedule(() -> {
      s.fetchWaiters.remove(waiter);
      if (!ctx.answered()) {
        attempt(ctx, req, true);
      }
    }, req.maxWaitMs(), TimeUnit.MILLISECONDS);
  }

  /** Answers and returns true when forced, on any error, or when min bytes are available. */
  private boolean attempt(RequestContext ctx, FetchRequestData req, boolean force) {
    if (ctx.answered()) {
      return true;
    }
    long available = 0;
    boolean error = false;
    for (FetchRequestData.FetchTopic ft : req.topics()) {
      Topic t = topic(ctx, ft);
      for (FetchRequestData.FetchPartition fp : ft.partitions()) {
        Partition p = t == null ? null : t.partition(fp.partition());
        if (check(ctx, t, p, fp) != Errors.NONE) {
          error = true;
        } else {
          available += Math.min(p.bytesAfter(fp.fetchOffset()), fp.partitionMaxBytes());
        }
      }
    }
    if (!force && !error && available < Math.max(1, req.minBytes())) {
      return false;
    }
    try {
      ctx.respondZeroCopy(build(ctx, req));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  private Topic topic(RequestContext ctx, FetchRequestData.FetchTopic ft) {
    return ctx.version() >= 13 ? s.topics.topic(ft.topicId()) : s.topics.topic(ft.topic());
  }

  private Errors check(RequestContext ctx, Topic t, Partition p, FetchRequestData.FetchPartition fp) {
    if (p == null) {
      return t == null && ctx.version() >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
    if (!p.leading()) {
      return Errors.NOT_LEADER_OR_FOLLOWER;
    }
    Errors epoch = LeaderEpochs.check(fp.currentLeaderEpoch(), p.leaderEpoch());
    if (epoch != Errors.NONE) {
      return epoch;
    }
    // beyond the high watermark but within the log: not an error, just nothing committed there yet
    if (fp.fetchOffset() < p.logStartOffset() || fp.fetchOffset() > p.logEndOffset()) {
      return Errors.OFFSET_OUT_OF_RANGE;
    }
    return Errors.NONE;
  }

  /** KIP-951: name the partition's current leader and add its endpoint, so the consumer re-routes at once. */
  private void hint(FetchResponseData resp, PartitionData pd, Partition p) {
    int leader = hints.otherLeader(p, n -> {
      if (resp.nodeEndpoints().find(n.id()) == null) {
        resp.nodeEndpoints().add(new NodeEndpoint().setNodeId(n.id()).setHost(n.host()).setPort(n.kafkaPort()));
      }
    });
    if (leader >= 0) {
      pd.setCurrentLeader(new LeaderIdAndEpoch().setLeaderId(leader).setLeaderEpoch(p.leaderEpoch()));
    }
  }

  private FetchResponseData build(RequestContext ctx, FetchRequestData req) throws IOException {
    FetchResponseData resp = new FetchResponseData().setSessionId(0);
    long remaining = Math.min(req.maxBytes(), s.config.get(BrokerSettings.FETCH_RESPONSE_BYTES_MAX));
    boolean first = true;
    for (FetchRequestData.FetchTopic ft : req.topics()) {
      Topic t = topic(ctx, ft);
      FetchableTopicResponse tr = new FetchableTopicResponse().setTopic(ft.topic()).setTopicId(ft.topicId());
      for (FetchRequestData.FetchPartition fp : ft.partitions()) {
        Partition p = t == null ? null : t.partition(fp.partition());
        PartitionData pd = new PartitionData().setPartitionIndex(fp.partition())
            .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
            .setRecords(MemoryRecords.EMPTY);
        Errors e = check(ctx, t, p, fp);
        if (p != null) {
          pd.setHighWatermark(p.highWatermark()).setLastStableOffset(p.highWatermark())
              .setLogStartOffset(p.logStartOffset());
        }
        if (e != Errors.NONE) {
          pd.setErrorCode(e.code());
          if ((e == Errors.NOT_LEADER_OR_FOLLOWER || e == Errors.FENCED_LEADER_EPOCH)
              && ctx.version() >= LEADER_HINT_VERSION) {
            hint(resp, pd, p);
          }
        } else if (remaining > 0 || first) {
          int max = (int) Math.min(fp.partitionMaxBytes(), Math.max(0, remaining));
          org.apache.kafka.common.record.internal.BaseRecords records = p.readRegions(fp.fetchOffset(), max, first);
          if (records.sizeInBytes() > 0) {
            s.traffic.fetched(records.sizeInBytes(),
                p.offsetAfterBytes(fp.fetchOffset(), records.sizeInBytes()) - fp.fetchOffset());
            first = false;
            remaining -= records.sizeInBytes();
          }
          pd.setRecords(records);
        }
        tr.partitions().add(pd);
      }
      resp.responses().add(tr);
    }
    return resp;
  }
}
