package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated frames against a real broker (-Xmx256m, exit on OOM) for a fixed budget,
 * while a well-formed producer on its own connection keeps getting acknowledgements.
 */
@Tag("integration")
class ProtocolFuzzTest {
  private static final long BUDGET_MS = Long.getLong("chronik.fuzz.ms", 20_000);
  @TempDir
  Path data;

  private static byte[] frame(ApiKeys key, short version, ApiMessage body) {
    RequestHeader h = new RequestHeader(key, version, "fuzz", 1);
    ByteBuffer b = RequestUtils.serialize(h.data(), h.headerVersion(), body, version);
    ByteBuffer out = ByteBuffer.allocate(4 + b.remaining());
    out.putInt(b.remaining()).put(b);
    return out.array();
  }

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(frame(ApiKeys.API_VERSIONS, (short) 3,
        new ApiVersionsRequestData().setClientSoftwareName("f").setClientSoftwareVersion("1")));
    seeds.add(frame(ApiKeys.METADATA, (short) 12, new MetadataRequestData().setTopics(null)));
    MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
        new SimpleRecord("k".getBytes(), "v".repeat(100).getBytes()));
    ProduceRequestData produce = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName("fuzz");
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
    produce.topicData().add(td);
    seeds.add(frame(ApiKeys.PRODUCE, (short) 9, produce));
    FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(10).setMinBytes(1).setMaxBytes(1 << 20)
        .setReplicaId(-1);
    fetch.topics().add(new FetchRequestData.FetchTopic().setTopic("fuzz").setPartitions(List.of(
        new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20))));
    seeds.add(frame(ApiKeys.FETCH, (short) 12, fetch));
    return seeds;
  }

  /** One fuzzed frame: random bytes, bit flips, wrong/huge lengths, truncation, bad keys/versions. */
  private static byte[] mutate(Random r, List<byte[]> seeds) {
    byte[] f = seeds.get(r.nextInt(seeds.size())).clone();
    ByteBuffer b = ByteBuffer.wrap(f);
    switch (r.nextInt(8)) {
      case 0 -> {
        byte[] junk = new byte[r.nextInt(200)];
        r.nextBytes(junk);
        return junk;
      }
      case 1 -> {
        for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
          int at = 4 + r.nextInt(f.length - 4);
          f[at] ^= (byte) (1 << r.nextInt(8));
        }
      }
      case 2 -> b.putInt(0, r.nextBoolean() ? Integer.MAX_VALUE : -1 - r.nextInt(1000));
      case 3 -> b.putInt(0, b.getInt(0) + 1 + r.nextInt(1000));
      case 4 -> {
        byte[] cut = new byte[4 + r.nextInt(f.length - 4)];
        System.arraycopy(f, 0, cut, 0, cut.length);
        return cut;
      }
      case 5 -> b.putShort(4, (short) (100 + r.nextInt(30000)));
      case 6 -> b.putShort(6, (short) (50 + r.nextInt(30000)));
      default -> b.putInt(0, Math.max(0, b.getInt(0) - 1 - r.nextInt(Math.max(1, b.getInt(0)))));
    }
    return f;
  }

  @Test
  void brokerSurvivesMalformedFramesAndServesOtherClients() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(data, 0);
        KafkaProducer<String, String> producer = new KafkaProducer<>(
            ProduceConsumeTest.producerProps(broker.bootstrap()))) {
      ProduceConsumeTest.createTopic(broker.bootstrap(), "fuzz", 1);
      ProduceConsumeTest.createTopic(broker.bootstrap(), "good", 1);
      Random random = new Random(20261128L);
      List<byte[]> seeds = seeds();
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      long end = System.currentTimeMillis() + BUDGET_MS;
      int frames = 0;
      while (System.currentTimeMillis() < end) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 2000);
          s.setSoTimeout(20);
          OutputStream out = s.getOutputStream();
          for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
            out.write(mutate(random, seeds));
            frames++;
          }
          out.flush();
          drain(s.getInputStream());
        } catch (IOException expectedWhenBrokerClosesConnection) {
          // The broker closing a fuzzed connection is the expected outcome for most frames.
        }
        if (frames % 50 < 5) {
          acks.add(producer.send(new ProducerRecord<>("good", "k", "during-fuzz-" + acks.size())));
        }
      }
      producer.flush();
      for (int i = 0; i < acks.size(); i++) {
        assertThat(acks.get(i).get().offset()).isEqualTo(i);
      }
      assertThat(broker.isAlive()).isTrue();
      assertThat(frames).isGreaterThan(1000);
      assertThat(acks).isNotEmpty();
      assertThat(ProduceConsumeTest.readAll(broker.bootstrap(), new TopicPartition("good", 0), acks.size()))
          .hasSize(acks.size());
      assertThat(broker.log()).contains("action=close reason=").doesNotContain("OutOfMemoryError");
    }
  }

  private static void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      long deadline = System.nanoTime() + Duration.ofMillis(50).toNanos();
      while (System.nanoTime() < deadline && in.read(buf) >= 0) {
        // discard responses
      }
    } catch (IOException timeoutOrClosed) {
      // nothing more to read
    }
  }
}
