package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-951 on a real 3-node cluster: a Produce that reaches a follower is answered NOT_LEADER_OR_FOLLOWER
 * naming the partition's leader, its epoch and its endpoint, so clients re-route without a metadata
 * round trip; so is a Fetch (v16+); a client too old for the hint (Produce v9) gets the plain error.
 * DescribeQuorum, which only the metadata leader can answer in full, is relayed there by a follower.
 */
@Tag("integration")
class LeaderHintIntegrationTest {
  private static final String TOPIC = "hinted";

  @TempDir
  static Path dir;
  private static ReplicatedCluster cluster;
  private static int leader;
  private static Uuid topicId;
  private static int correlation;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ReplicatedCluster(dir, 3);
    cluster.startAll();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get();
      TopicDescription d = Eventually.eventually("a leader for " + TOPIC, java.time.Duration.ofSeconds(30),
          () -> admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC),
          t -> t.partitions().get(0).leader() != null && t.partitions().get(0).leader().id() >= 0);
      leader = d.partitions().get(0).leader().id();
      topicId = d.topicId();
    }
    for (int node = 0; node < 3; node++) {
      awaitTopicKnown(node);
    }
  }

  /**
   * Until {@code node}'s own metadata names the topic and its leader: CreateTopics answers once the metadata
   * leader committed the topic, and a follower applies it a moment later (until then it answers
   * UNKNOWN_TOPIC_OR_PARTITION, as Kafka's brokers do), which is not what these tests are about.
   */
  private static void awaitTopicKnown(int node) throws Exception {
    MetadataRequestData req = new MetadataRequestData().setAllowAutoTopicCreation(false);
    req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC));
    Eventually.eventually("node " + node + " knows " + TOPIC + " and its leader", java.time.Duration.ofSeconds(30),
        () -> ((MetadataResponse) send(node, ApiKeys.METADATA, (short) 12, req)).data().topics().find(TOPIC),
        t -> t != null && t.errorCode() == Errors.NONE.code() && t.partitions().size() == 1
            && t.partitions().get(0).leaderId() == leader);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static AbstractResponse send(int node, ApiKeys api, short version, ApiMessage request) throws IOException {
    return send(node, api, version, request, "hint-test");
  }

  private static AbstractResponse send(int node, ApiKeys api, short version, ApiMessage request, String clientId)
      throws IOException {
    RequestHeader header = new RequestHeader(api, version, clientId, ++correlation);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", cluster.kafkaPort(node)), 5_000);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
      out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }
  }

  private ProduceResponseData produceTo(int node, short version) throws IOException {
    ProduceRequestData req = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
    ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(TOPIC);
    td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
        MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()))));
    req.topicData().add(td);
    return ((ProduceResponse) send(node, ApiKeys.PRODUCE, version, req)).data();
  }

  private static ProduceResponseData.PartitionProduceResponse only(ProduceResponseData data) {
    return data.responses().iterator().next().partitionResponses().get(0);
  }

  @Test
  void aFollowerNamesTheLeaderItsEpochAndItsEndpoint() throws Exception {
    int follower = (leader + 1) % 3;
    assertThat(Errors.forCode(only(produceTo(leader, (short) 12)).errorCode())).isEqualTo(Errors.NONE);

    ProduceResponseData response = produceTo(follower, (short) 12);
    var pr = only(response);

    assertThat(Errors.forCode(pr.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    assertThat(pr.currentLeader().leaderId()).isEqualTo(leader);
    assertThat(pr.currentLeader().leaderEpoch()).isPositive();
    ProduceResponseData.NodeEndpoint endpoint = response.nodeEndpoints().find(leader);
    assertThat(endpoint).as("the leader's endpoint in the response").isNotNull();
    assertThat(endpoint.host()).isEqualTo("127.0.0.1");
    assertThat(endpoint.port()).isEqualTo(cluster.kafkaPort(leader));
    assertThat(response.nodeEndpoints()).hasSize(1);
  }

  @Test
  void aFetchFromAFollowerNamesTheLeaderAndItsEndpoint() throws Exception {
    int follower = (leader + 1) % 3;
    FetchRequestData req = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
        .setSessionId(0).setSessionEpoch(-1);
    FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic().setTopicId(topicId);
    ft.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setCurrentLeaderEpoch(-1)
        .setFetchOffset(0).setLogStartOffset(-1).setPartitionMaxBytes(1 << 20));
    req.topics().add(ft);

    FetchResponseData response = ((FetchResponse) send(follower, ApiKeys.FETCH, (short) 16, req)).data();

    FetchResponseData.PartitionData pd = response.responses().get(0).partitions().get(0);
    assertThat(Errors.forCode(pd.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    assertThat(pd.currentLeader().leaderId()).isEqualTo(leader);
    assertThat(pd.currentLeader().leaderEpoch()).isPositive();
    assertThat(response.nodeEndpoints().find(leader).port()).isEqualTo(cluster.kafkaPort(leader));
  }

  @Test
  void aClientBeforeTheHintGetsThePlainError() throws Exception {
    int follower = (leader + 2) % 3;
    ProduceResponseData response = produceTo(follower, (short) 9);
    var pr = only(response);

    assertThat(Errors.forCode(pr.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    assertThat(pr.currentLeader().leaderId()).isEqualTo(-1);
    assertThat(response.nodeEndpoints()).isEmpty();
  }

  private DescribeQuorumResponseData describeQuorum(int node, String clientId) throws IOException {
    DescribeQuorumRequestData req = DescribeQuorumRequest.singletonRequest(
        new org.apache.kafka.common.TopicPartition("__cluster_metadata", 0));
    return ((DescribeQuorumResponse) send(node, ApiKeys.DESCRIBE_QUORUM, (short) 2, req, clientId)).data();
  }

  @Test
  void everyNodeDescribesTheMetadataQuorumAsItsLeaderSeesIt() throws Exception {
    int followersAsked = 0;
    int quorumLeader = -1;
    for (int node = 0; node < 3; node++) {
      int asked = node;
      // a voter's end offset is -1 until the leader heard from it (Kafka's answer too): wait for that, not for time
      DescribeQuorumResponseData response = Eventually.eventually("node " + node + " describes every voter's end",
          java.time.Duration.ofSeconds(30), () -> describeQuorum(asked, "quorum-test"),
          r -> r.errorCode() == Errors.NONE.code() && !r.topics().isEmpty()
              && r.topics().get(0).partitions().get(0).currentVoters().stream().allMatch(v -> v.logEndOffset() > 0));
      assertThat(Errors.forCode(response.errorCode())).as("node %d: %s", node, response.errorMessage())
          .isEqualTo(Errors.NONE);
      DescribeQuorumResponseData.PartitionData p = response.topics().get(0).partitions().get(0);
      assertThat(Errors.forCode(p.errorCode())).isEqualTo(Errors.NONE);
      assertThat(p.leaderId()).as("node %d names the leader", node).isBetween(0, 2);
      assertThat(p.leaderEpoch()).isPositive();
      assertThat(p.highWatermark()).isPositive();
      assertThat(p.currentVoters()).extracting(DescribeQuorumResponseData.ReplicaState::replicaId)
          .containsExactlyInAnyOrder(0, 1, 2);
      // only the leader knows every voter's end offset: a follower's answer is the leader's
      assertThat(p.currentVoters()).extracting(DescribeQuorumResponseData.ReplicaState::logEndOffset)
          .as("node %d: voters' end offsets", node).allSatisfy(end -> assertThat(end).isPositive());
      assertThat(response.nodes()).extracting(DescribeQuorumResponseData.Node::nodeId)
          .containsExactlyInAnyOrder(0, 1, 2);
      if (p.leaderId() != node) {
        followersAsked++;
      }
      assertThat(quorumLeader == -1 || quorumLeader == p.leaderId()).as("one leader").isTrue();
      quorumLeader = p.leaderId();
    }
    assertThat(followersAsked).isEqualTo(2);

    // a request a follower already forwarded is not forwarded again: Kafka's leader-only answer
    int follower = (quorumLeader + 1) % 3;
    DescribeQuorumResponseData hop = describeQuorum(follower, "chronik-quorum-forward");
    assertThat(Errors.forCode(hop.topics().get(0).partitions().get(0).errorCode()))
        .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);

    // the Kafka tools' path (kafka-metadata-quorum describe --status), bootstrapped at a follower
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        "127.0.0.1:" + cluster.kafkaPort(follower)))) {
      QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get();
      assertThat(q.leaderId()).isEqualTo(quorumLeader);
      assertThat(q.voters()).extracting(QuorumInfo.ReplicaState::logEndOffset)
          .allSatisfy(end -> assertThat(end).isPositive());
    }
  }
}
