package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.ServiceManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApacheKafkaTest {
  private static Host host(int i) {
    return new Host("n" + i, Cidr.parseLiteral("198.18.110." + (10 + i)), "root", 22, Optional.empty(),
        Optional.empty(), false, ServiceManager.PIDFILE, "/var/tmp/lab/n" + i + "/home", Optional.empty());
  }

  private static final List<Host> HOSTS = List.of(host(1), host(2), host(3));

  @Test
  void everyHostIsAKraftNodeOfOneQuorumWithReplicationThreeAndDefaultFlush() {
    DbSpec spec = new ApacheKafka(HOSTS, "/usr/bin/java", 11).spec(List.of(Path.of("/c/kafka_2.13-4.4.0.jar")), 3);
    String props = spec.configFiles().get(ApacheKafka.PROPERTIES);
    assertThat(props).contains("process.roles=broker,controller", "node.id=@NODE_ID@",
        "controller.quorum.voters=0@198.18.110.11:9093,1@198.18.110.12:9093,2@198.18.110.13:9093",
        "listeners=PLAINTEXT://@ADDRESS@:9092,CONTROLLER://@ADDRESS@:9093", "log.dirs=@HOME@/data",
        "default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3")
        .doesNotContainPattern("(?m)^log\\.flush");
    assertThat(spec.hostVariables().get("n2")).containsEntry("@NODE_ID@", "1");
    assertThat(spec.files()).extracting(DbSpec.Upload::remote).containsExactly("libs/kafka_2.13-4.4.0.jar");
    assertThat(spec.port()).isEqualTo(9092);
    assertThat(spec.name()).isEqualTo("kafka");
  }

  @Test
  void storageIsFormattedOnlyOnTheFirstStartAfterAnInstallThenTheBrokerIsExeced() {
    ApacheKafka kafka = new ApacheKafka(HOSTS, "/usr/bin/java", 7);
    String script = kafka.spec(List.of(), 3).configFiles().get(ApacheKafka.START_SCRIPT);
    assertThat(script).contains("if [ -f conf/format.pending ]", "kafka.tools.StorageTool format -t " + kafka.clusterId(),
        "rm -f conf/format.pending", "exec '/usr/bin/java' '-Xms512m' '-Xmx512m'", "kafka.Kafka @HOME@/conf/server.properties");
    assertThat(kafka.spec(List.of(), 3).configFiles()).containsKey(ApacheKafka.FORMAT_PENDING);
    assertThat(kafka.clusterId()).hasSize(22).doesNotStartWith("-")
        .isEqualTo(new ApacheKafka(HOSTS, "java", 7).clusterId()).isNotEqualTo(new ApacheKafka(HOSTS, "java", 8).clusterId());
  }

  @Test
  void replicationIsCappedAtTheNodeCount() {
    String props = new ApacheKafka(List.of(host(1)), "java", 1).properties(1);
    assertThat(props).contains("default.replication.factor=1", "min.insync.replicas=1");
  }
}
