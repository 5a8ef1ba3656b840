package io.chronik.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose Raft group ids run out ({@code raft.groups.max=8}: ids 1–7 for partitions) answers
 * CreateTopics, CreatePartitions (validateOnly alike) and Metadata auto-creation that need more ids than
 * are left with POLICY_VIOLATION naming the figures; the topics that fit are created, nothing is created
 * half, and a deleted topic's ids are handed out again (the cap bounds the ids in use at once).
 */
@Tag("integration")
class RaftGroupsExhaustedTest {
  @TempDir
  Path data;

  private static String exhausted(int left, int requested) {
    return "reason=raft-groups-exhausted groupsMax=8 groupsLeft=" + left + " requested=" + requested;
  }

  @Test
  void creationsNeedingMoreGroupIdsThanAreLeftGetPolicyViolationAndTheRestIsCreated() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(data, 0, "raft.groups.max=8");
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      NewTopic big = new NewTopic("big", 8, (short) 1);
      for (boolean validateOnly : new boolean[] {true, false}) {
        assertThatThrownBy(() -> admin.createTopics(List.of(big), new CreateTopicsOptions().validateOnly(validateOnly))
            .all().get()).cause().isInstanceOf(PolicyViolationException.class).hasMessage(exhausted(7, 8));
      }

      List<NewTopic> pair = List.of(new NewTopic("a", 4, (short) 1), new NewTopic("b", 4, (short) 1));
      for (boolean validateOnly : new boolean[] {true, false}) {
        CreateTopicsResult r = admin.createTopics(pair, new CreateTopicsOptions().validateOnly(validateOnly));
        r.values().get("a").get();
        assertThatThrownBy(() -> r.values().get("b").get()).cause().isInstanceOf(PolicyViolationException.class)
            .hasMessage(exhausted(3, 4));
      }
      assertThat(admin.listTopics().names().get()).containsExactly("a");

      for (boolean validateOnly : new boolean[] {true, false}) {
        assertThatThrownBy(() -> admin.createPartitions(Map.of("a", NewPartitions.increaseTo(8)),
            new CreatePartitionsOptions().validateOnly(validateOnly)).all().get()).cause()
            .isInstanceOf(PolicyViolationException.class).hasMessage(exhausted(3, 4));
      }
      assertThat(admin.describeTopics(List.of("a")).allTopicNames().get().get("a").partitions()).hasSize(4);
      admin.createPartitions(Map.of("a", NewPartitions.increaseTo(7))).all().get();
      assertThat(admin.describeTopics(List.of("a")).allTopicNames().get().get("a").partitions()).hasSize(7);

      assertThat(autoCreate(broker, "auto")).isEqualTo(Errors.POLICY_VIOLATION);
      admin.deleteTopics(List.of("a")).all().get(); // gives its 7 ids back
      admin.createTopics(List.of(new NewTopic("c", 1, (short) 1))).all().get();
      assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("d", 7, (short) 1))).all().get()).cause()
          .isInstanceOf(PolicyViolationException.class).hasMessage(exhausted(6, 7));
      assertThat(admin.listTopics().names().get()).containsExactly("c");
    }
  }

  /** A Metadata request for {@code topic} that allows auto-creation, over a raw socket: the topic's error. */
  private static Errors autoCreate(BrokerProcess broker, String topic) throws IOException {
    MetadataRequestData req = new MetadataRequestData().setAllowAutoTopicCreation(true);
    req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(topic));
    short version = 12;
    RequestHeader header = new RequestHeader(ApiKeys.METADATA, version, "groups-test", 1);
    ByteBuffer body = RequestUtils.serialize(header.data(), header.headerVersion(), req, version);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(ByteBuffer.allocate(4).putInt(body.remaining()).array());
      out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readInt()];
      in.readFully(response);
      MetadataResponseData parsed = ((MetadataResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(response),
          header)).data();
      return Errors.forCode(parsed.topics().find(topic).errorCode());
    }
  }
}
