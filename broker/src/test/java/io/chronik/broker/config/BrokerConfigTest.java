package io.chronik.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void defaultsApplyAndOverridesParse() {
    BrokerConfig c = BrokerConfig.parse(props("listener.port", "0", "auto.create.topics.enable", "false"));
    assertThat(c.get(BrokerSettings.LISTENER_PORT)).isZero();
    assertThat(c.get(BrokerSettings.AUTO_CREATE_TOPICS_ENABLE)).isFalse();
    assertThat(c.get(BrokerSettings.REQUEST_BYTES_MAX)).isEqualTo(16 * 1024 * 1024);
    assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
    assertThat(c.values()).containsEntry("listener.port", "0").containsEntry("raft.tick.ms", "20");
  }

  @Test
  void badValuesAreRejectedWithKeyValueAndReason() {
    assertThatThrownBy(() -> BrokerConfig.parse(props("listener.port", "70000")))
        .hasMessageContaining("key=listener.port value=70000 reason=out-of-range");
    assertThatThrownBy(() -> BrokerConfig.parse(props("num.partitions", "x")))
        .hasMessageContaining("key=num.partitions value=x reason=not-an-integer");
    assertThatThrownBy(() -> BrokerConfig.parse(props("no.such.key", "1")))
        .hasMessageContaining("key=no.such.key value=1 reason=unknown-key");
    assertThatThrownBy(() -> BrokerConfig.parse(props("transport", "kqueue")))
        .hasMessageContaining("key=transport value=kqueue");
  }

  @Test
  void inconsistentCombinationsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> BrokerConfig.parse(props("raft.heartbeat.ticks", "15")))
        .hasMessageContaining("key=raft.heartbeat.ticks value=15 reason=must be less than raft.election.ticks");
    assertThatThrownBy(() -> BrokerConfig.parse(props("group.session.timeout.min.ms", "2000000")))
        .hasMessageContaining("key=group.session.timeout.min.ms value=2000000");
    assertThatThrownBy(() -> BrokerConfig.parse(props("log.segment.bytes", "1048576", "message.bytes.max",
        "1048576"))).hasMessageContaining("key=message.bytes.max value=1048576");
    assertThatThrownBy(() -> BrokerConfig.parse(props("cluster.nodes", "2@127.0.0.1:1:2")))
        .hasMessageContaining("key=cluster.nodes").hasMessageContaining("does not name node.id=1");
    assertThatThrownBy(() -> BrokerConfig.parse(props("data.dir", "")))
        .hasMessageContaining("key=data.dir value= reason=must not be empty");
    assertThatThrownBy(() -> BrokerConfig.parse(props("raft.quiesce", "yes")))
        .hasMessageContaining("key=raft.quiesce value=yes reason=expected true or false");
  }

  @Test
  void aJoinedNodeKnowsTheSeedTheNodesJoinedBeforeAndItselfAndDescribesTheSeed() {
    BrokerConfig own = BrokerConfig.parse(props("node.id", "4", "cluster.nodes", "4@h4:9096:9196",
        "cluster.bootstrap", "h0:9092"));
    ClusterNodes seed = ClusterNodes.parse("0@h0:9092:9192,1@h1:9093:9193,2@h2:9094:9194");
    ClusterNodes before = new ClusterNodes(java.util.List.of(new ClusterNodes.Node(3, "h3", 9095, 9195)));

    BrokerConfig joined = own.joined(seed, before);

    assertThat(joined.seedNodes()).isEqualTo(seed);
    assertThat(joined.clusterNodes().nodes()).extracting(ClusterNodes.Node::id).containsExactly(0, 1, 2, 4, 3);
    assertThat(joined.clusterNodes().node(4)).isEqualTo(new ClusterNodes.Node(4, "h4", 9096, 9196));
    assertThat(joined.values().get("cluster.nodes")).as("what a later joiner reads by DescribeConfigs")
        .isEqualTo(seed.spec());
    assertThat(ClusterNodes.parse(seed.spec())).isEqualTo(seed);
    assertThat(own.seedNodes()).isEqualTo(own.clusterNodes());
  }

  @Test
  void everyDefaultParsesUnderItsOwnRules() {
    for (Setting<?> s : BrokerSettings.ALL) {
      assertThat(s.parse(s.defaultValue())).as(s.key()).isNotNull();
    }
  }

  /**
   * docs/BROKER.md's configuration table is the generated one, so the docs cannot drift from the declarations.
   * On a change, paste target/BROKER-config-table.md over the table.
   */
  @Test
  void docsTableIsGeneratedFromTheDeclarations() throws Exception {
    String table = BrokerSettings.markdownTable();
    Files.writeString(Path.of("target", "BROKER-config-table.md"), table);
    String text = Files.readString(Path.of("..", "docs", "BROKER.md"));
    assertThat(text).as("docs/BROKER.md holds the table of target/BROKER-config-table.md").contains(table);
  }
}
