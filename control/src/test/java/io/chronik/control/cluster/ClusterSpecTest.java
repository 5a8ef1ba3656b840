package io.chronik.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSpecTest {

  @Test
  void aWrittenSpecReadsBackEqualSoALaterJvmCanRestartANode(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    ClusterSpec spec = ClusterSpec.of(3, dir, "/a.jar:/b.jar").withPorts(7000, 7100)
        .withSettings(List.of("raft.quiesce=false", "log.segment.bytes=1048576"))
        .withJavaOpts(List.of("-Xmx256m", "-XX:+UseSerialGC")).withReadyTimeout(java.time.Duration.ofSeconds(42));
    assertThat(ClusterSpec.read(dir)).isEmpty();
    spec.write();
    assertThat(ClusterSpec.read(dir)).contains(spec);
    java.nio.file.Files.writeString(dir.resolve(ClusterSpec.FILE_NAME), "nodes=x\n");
    assertThatThrownBy(() -> ClusterSpec.read(dir)).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("reason=unreadable-spec");
  }

  @Test
  void derivesPortsClusterNodesAndBrokerArgumentsFromTheBases() {
    ClusterSpec spec = ClusterSpec.of(3, Path.of("/d"), "cp").withSettings(List.of("replication.factor=1"));
    assertThat(spec.clusterNodes()).isEqualTo("0@127.0.0.1:9092:9192,1@127.0.0.1:9093:9193,2@127.0.0.1:9094:9194");
    assertThat(spec.bootstrap()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094");
    assertThat(spec.brokerArguments(1)).containsExactly(LocalCluster.MAIN_CLASS,
        "--set", "node.id=1", "--set", "listener.port=9093", "--set", "admin.port=9645",
        "--set", "data.dir=/d/node-1/data",
        "--set", "cluster.nodes=" + spec.clusterNodes(), "--set", "replication.factor=1");
    assertThat(spec.log(2)).isEqualTo(Path.of("/d/node-2/broker.log"));
    assertThat(spec.adminPort(0)).isEqualTo(9644);
  }

  @Test
  void refusesTheKafkaPeersPortsOverlappingRangesAndBadSettings() {
    ClusterSpec spec = ClusterSpec.of(3, Path.of("/d"), "cp");
    assertThatThrownBy(() -> spec.withPorts(19090, 29192)).hasMessageContaining("base-port=19090")
        .hasMessageContaining("19092..19094");
    assertThatThrownBy(() -> spec.withPorts(29092, 19194)).hasMessageContaining("raft-base-port=19194");
    assertThatThrownBy(() -> spec.withPorts(29092, 29094)).hasMessageContaining("overlaps");
    assertThatThrownBy(() -> spec.withSettings(List.of("novalue"))).hasMessageContaining("set=novalue");
    assertThatThrownBy(() -> ClusterSpec.of(0, Path.of("/d"), "cp")).hasMessageContaining("nodes=0");
    assertThat(spec.withPorts(19095, 29192).port(2)).isEqualTo(19097);
  }
}
