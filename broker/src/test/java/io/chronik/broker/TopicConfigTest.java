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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-topic configs through Kafka's own APIs on a real broker: CreateTopics configs, DescribeConfigs
 * with Kafka's sources, IncrementalAlterConfigs and AlterConfigs; refused keys and values get
 * INVALID_CONFIG naming why; the configs live in the metadata log and survive a restart.
 */
@Tag("integration")
class TopicConfigTest {
  @TempDir
  Path data;

  private static Map<String, ConfigEntry> describe(Admin admin, ConfigResource resource) throws Exception {
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    Map<String, ConfigEntry> byName = new java.util.HashMap<>();
    config.entries().forEach(e -> byName.put(e.name(), e));
    return byName;
  }

  private static void alter(Admin admin, ConfigResource r, Collection<AlterConfigOp> ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(r, ops)).all().get();
  }

  private static AlterConfigOp set(String key, String value) {
    return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
  }

  /** The legacy AlterConfigs (Admin has no method for it since Kafka 4.0), over a raw socket. */
  private static short legacyAlter(BrokerProcess broker, String topic, Map<String, String> configs) throws IOException {
    AlterConfigsRequestData req = new AlterConfigsRequestData();
    AlterConfigsRequestData.AlterConfigsResource res = new AlterConfigsRequestData.AlterConfigsResource()
        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(topic);
    configs.forEach((k, v) -> res.configs().add(new AlterConfigsRequestData.AlterableConfig().setName(k).setValue(v)));
    req.resources().add(res);
    short version = ApiKeys.ALTER_CONFIGS.latestVersion();
    RequestHeader header = new RequestHeader(ApiKeys.ALTER_CONFIGS, version, "config-test", 1);
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
      AlterConfigsResponseData parsed = ((AlterConfigsResponse) AbstractResponse.parseResponse(
          ByteBuffer.wrap(response), header)).data();
      return parsed.responses().get(0).errorCode();
    }
  }

  @Test
  void topicConfigsAreStoredDescribedWithTheirSourceAlteredAndSurviveRestart() throws Exception {
    int port;
    ConfigResource logs = new ConfigResource(ConfigResource.Type.TOPIC, "logs");
    ConfigResource plain = new ConfigResource(ConfigResource.Type.TOPIC, "plain");
    try (BrokerProcess broker = BrokerProcess.start(data, 0, "log.retention.ms=3600000");
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      port = broker.port();
      admin.createTopics(List.of(new NewTopic("logs", 1, (short) 1).configs(Map.of("retention.ms", "60000",
          "segment.bytes", "1048576")), new NewTopic("plain", 1, (short) 1))).all().get();

      Map<String, ConfigEntry> d = describe(admin, logs);
      assertThat(d.get("retention.ms").value()).isEqualTo("60000");
      assertThat(d.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(d.get("retention.ms").isReadOnly()).isFalse();
      assertThat(d.get("segment.bytes").value()).isEqualTo("1048576");
      assertThat(d.get("retention.bytes").value()).isEqualTo("-1");
      assertThat(d.get("retention.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      assertThat(d.get("cleanup.policy").value()).isEqualTo("delete");
      Map<String, ConfigEntry> p = describe(admin, plain);
      assertThat(p.get("retention.ms").value()).as("the broker's own setting").isEqualTo("3600000");
      assertThat(p.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
      Map<String, ConfigEntry> b = describe(admin, new ConfigResource(ConfigResource.Type.BROKER, "1"));
      assertThat(b.get("log.retention.ms").value()).isEqualTo("3600000");
      assertThat(b.get("log.retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
      assertThat(b.get("log.retention.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

      alter(admin, logs, List.of(set("retention.bytes", "1048576"),
          new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)));
      d = describe(admin, logs);
      assertThat(d.get("retention.bytes").value()).isEqualTo("1048576");
      assertThat(d.get("retention.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(d.get("retention.ms").value()).as("deleted: back to the broker's").isEqualTo("3600000");
      assertThat(d.get("segment.bytes").value()).as("untouched by an incremental alter").isEqualTo("1048576");

      admin.incrementalAlterConfigs(Map.of(logs, List.of(set("retention.bytes", "5"))),
          new AlterConfigsOptions().validateOnly(true)).all().get();
      assertThat(describe(admin, logs).get("retention.bytes").value()).as("validateOnly").isEqualTo("1048576");

      assertThat(legacyAlter(broker, "logs", Map.of("segment.ms", "600000"))).isEqualTo(Errors.NONE.code());
      d = describe(admin, logs);
      assertThat(d.get("segment.ms").value()).isEqualTo("600000");
      assertThat(d.get("retention.bytes").source()).as("AlterConfigs replaces the whole set")
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      assertThat(legacyAlter(broker, "logs", Map.of("no.such.key", "1"))).isEqualTo(Errors.INVALID_CONFIG.code());
    }
    try (BrokerProcess broker = BrokerProcess.start(data, port, "log.retention.ms=3600000");
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      Map<String, ConfigEntry> d = describe(admin, logs);
      assertThat(d.get("segment.ms").value()).as("after restart").isEqualTo("600000");
      assertThat(d.get("segment.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
  }

  @Test
  void unknownKeysAndBadValuesAreRefusedWithTheReason() throws Exception {
    try (BrokerProcess broker = BrokerProcess.start(data, 0);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("bad", 1, (short) 1)
          .configs(Map.of("retention.foo", "1")))).all().get())
          .hasCauseInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("key=retention.foo reason=unknown-topic-config");
      assertThat(admin.listTopics().names().get()).doesNotContain("bad");

      admin.createTopics(List.of(new NewTopic("good", 1, (short) 1))).all().get();
      ConfigResource good = new ConfigResource(ConfigResource.Type.TOPIC, "good");
      assertThatThrownBy(() -> alter(admin, good, List.of(set("retention.ms", "soon"))))
          .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("reason=not-an-integer");
      assertThatThrownBy(() -> alter(admin, good, List.of(set("segment.bytes", "10"))))
          .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("reason=out-of-range");
      assertThatThrownBy(() -> alter(admin, good, List.of(set("cleanup.policy", "compact,shred"))))
          .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("reason=unknown-policy");
      assertThatThrownBy(() -> alter(admin, good, List.of(set("min.cleanable.dirty.ratio", "1.5"))))
          .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("reason=out-of-range");
      assertThatThrownBy(() -> alter(admin, good, List.of(set("max.message.bytes", "100"))))
          .hasCauseInstanceOf(InvalidConfigurationException.class).hasMessageContaining("not-settable-per-topic");
      assertThatThrownBy(() -> alter(admin, new ConfigResource(ConfigResource.Type.BROKER, "1"),
          List.of(set("log.retention.ms", "1")))).hasCauseInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("broker-configs-are-static");
      assertThat(describe(admin, good).get("retention.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }
  }
}
