package io.chronik.broker.api;

import io.chronik.broker.partition.Partition;
import io.chronik.broker.partition.Topic;
import io.chronik.broker.protocol.RequestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs: this node's one log directory (its data dir's {@code raft/}) with the partition replicas
 * it hosts. {@code kafka-log-dirs} reads it, and {@code kafka-reassign-partitions --execute} asks every
 * replica's node for it to print the rollback assignment before it moves anything (docs/MEMBERSHIP.md).
 * A replica's size is the bytes of its committed records from the log start; its offset lag is how far its
 * log end is below the high watermark it knows (0 on a leader).
 */
final class LogDirsApi {
  private final BrokerState s;

  LogDirsApi(BrokerState s) {
    this.s = s;
  }

  void describeLogDirs(RequestContext ctx) {
    DescribeLogDirsRequestData req = (DescribeLogDirsRequestData) ctx.request().data();
    Path dir = s.config.dataDir().resolve("raft").toAbsolutePath();
    DescribeLogDirsResult result = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code())
        .setLogDir(dir.toString());
    if (req.topics() == null) {
      for (Topic t : s.topics.topics()) {
        add(result, t, t.partitions());
      }
    } else {
      for (DescribeLogDirsRequestData.DescribableLogDirTopic rt : req.topics()) {
        Topic t = s.topics.topic(rt.topic());
        if (t != null) {
          List<Partition> named = new ArrayList<>();
          rt.partitions().forEach(i -> {
            if (t.partition(i) != null) {
              named.add(t.partition(i));
            }
          });
          add(result, t, named);
        }
      }
    }
    try {
      var store = Files.getFileStore(dir);
      result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
    } catch (IOException e) {
      result.setTotalBytes(-1).setUsableBytes(-1); // Kafka's "unknown"
    }
    DescribeLogDirsResponseData resp = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
    resp.results().add(result);
    ctx.respond(resp);
  }

  /** The replicas among {@code partitions} this node hosts. */
  private static void add(DescribeLogDirsResult result, Topic topic, List<Partition> partitions) {
    DescribeLogDirsTopic dt = new DescribeLogDirsTopic().setName(topic.name());
    for (Partition p : partitions) {
      if (p.hosted()) {
        dt.partitions().add(new DescribeLogDirsPartition().setPartitionIndex(p.id().partition())
            .setPartitionSize(p.bytesAfter(p.logStartOffset()))
            .setOffsetLag(Math.max(0, p.highWatermark() - p.logEndOffset())).setIsFutureKey(false));
      }
    }
    if (!dt.partitions().isEmpty()) {
      result.topics().add(dt);
    }
  }
}
