package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.storage.CleanShutdown;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker taking partition snapshots every 100 entries, restarted: the exact bytes of a
 * producer's idempotent batch written 300 entries (three snapshots) before the restart, sent again
 * afterwards, are answered with the original offset and not appended; every record is still served
 * and offsets continue.
 */
@Tag("integration")
class SnapshotRestartTest {
  private static final short PRODUCE_VERSION = 9;
  private static final long OLD_PRODUCER = 4242;
  private static final long BUSY_PRODUCER = 4343;
  private static final int LATER_BATCHES = 300;

  @TempDir
  Path data;
  private int correlation;

  private static ByteBuffer idempotentBatch(long producerId, int sequence) {
    return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence,
        new SimpleRecord(("k" + sequence).getBytes(), ("v" + sequence).getBytes())).buffer();
  }

  /** One acks=all Produce over {@code socket}; returns the partition's (error, baseOffset). */
  private long[] produce(Socket socket, String topic, ByteBuffer batch) throws IOException {
    ProduceRequestData req = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(topic);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
        .setRecords(MemoryRecords.readableRecords(batch.duplicate())));
    req.topicData().add(td);
    RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "snapshot-test", ++correlation);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), req, PRODUCE_VERSION);
    OutputStream out = socket.getOutputStream();
    out.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
    out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] response = new byte[in.readInt()];
    in.readFully(response);
    ProduceResponse parsed = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    var partition = parsed.data().responses().iterator().next().partitionResponses().get(0);
    return new long[] {partition.errorCode(), partition.baseOffset()};
  }

  private static Socket connect(BrokerProcess broker) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
    socket.setSoTimeout(15_000);
    return socket;
  }

  @Test
  void aRetryOfAnOldBatchIsDeduplicatedAfterRestartFromTheSnapshot() throws Exception {
    String topic = "snapped";
    int port;
    ByteBuffer first = idempotentBatch(OLD_PRODUCER, 0);
    try (BrokerProcess broker = BrokerProcess.start(data, 0, "raft.snapshot.interval.entries=100")) {
      port = broker.port();
      ProduceConsumeTest.createTopic(broker.bootstrap(), topic, 1);
      try (Socket socket = connect(broker)) {
        assertThat(produce(socket, topic, first)).containsExactly(Errors.NONE.code(), 0);
        for (int seq = 0; seq < LATER_BATCHES; seq++) {
          assertThat(produce(socket, topic, idempotentBatch(BUSY_PRODUCER, seq)))
              .containsExactly(Errors.NONE.code(), seq + 1);
        }
      }
    }
    Path record = data.resolve("raft").resolve(CleanShutdown.FILE);
    assertThat(record).as("a SIGTERM stop records its forced logs").exists();
    try (Stream<Path> files = Files.walk(data)) {
      List<Path> all = files.toList();
      List<Path> snapshots = all.stream().filter(p -> p.getFileName().toString().startsWith("snapshot")).toList();
      assertThat(snapshots).as("snapshot and its previous generation in the partition dir, files=" + all)
          .anyMatch(p -> p.getFileName().toString().equals("snapshot"))
          .anyMatch(p -> p.getFileName().toString().equals("snapshot.prev"));
      assertThat(all).as("the clean close stored the partition's read index").anyMatch(
          p -> p.getFileName().toString().equals("read.index"));
    }
    try (BrokerProcess broker = BrokerProcess.start(data, port, "raft.snapshot.interval.entries=100")) {
      assertThat(record).as("taken at start, before any log opens").doesNotExist();
      assertThat(broker.log()).contains("cleanShutdown=true");
      assertThat(broker.log()).as("the partition's log opened from the summary its clean close left, and its read "
          + "index from the file beside it (every record read back below comes through it)")
          .contains("topic=" + topic + " partitions=1 opened=1 fromSummary=1 indexFromFile=1 ");
      try (Socket socket = connect(broker)) {
        // retried until the partition has its leader back (Eventually polls every 100 ms, as this loop did)
        long[] retry = Eventually.eventually("the retry of seq 0 answered", java.time.Duration.ofSeconds(10),
            () -> produce(socket, topic, first), r -> r[0] == Errors.NONE.code());
        assertThat(retry).as("the retry of seq 0 gets its original offset").containsExactly(Errors.NONE.code(), 0);
        assertThat(produce(socket, topic, idempotentBatch(OLD_PRODUCER, 1)))
            .containsExactly(Errors.NONE.code(), LATER_BATCHES + 1);
      }
      assertThat(ProduceConsumeTest.readAll(broker.bootstrap(), new TopicPartition(topic, 0), LATER_BATCHES + 2))
          .hasSize(LATER_BATCHES + 2);
      broker.kill();
    }
    assertThat(record).as("a killed broker leaves none: the next start forces every log").doesNotExist();
  }
}
