package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.db.DbSpec;
import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.ServiceManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostClusterTest {
  private static Host host(String name, String address) {
    return new Host(name, Cidr.parseLiteral(address), "root", 22, Optional.empty(), Optional.empty(), false,
        ServiceManager.PIDFILE, "/opt/" + name, Optional.empty());
  }

  private static final List<Host> HOSTS = List.of(host("n1", "10.0.3.11"), host("n2", "10.0.3.12"),
      host("n3", "10.0.3.13"));

  @Test
  void hostsBecomeNodesInInventoryOrderWithOneMemberList() {
    HostCluster c = new HostCluster(HOSTS, 9092, 9192);
    assertThat(c.clusterNodes()).isEqualTo("0@10.0.3.11:9092:9192,1@10.0.3.12:9092:9192,2@10.0.3.13:9092:9192");
    assertThat(c.bootstrap()).isEqualTo("10.0.3.11:9092,10.0.3.12:9092,10.0.3.13:9092");
    assertThat(c.nodeId("n3")).isEqualTo(2);
    assertThat(c.hostOfNode(1)).contains("n2");
    assertThat(c.hostOfNode(3)).isEmpty();
    assertThatThrownBy(() -> c.nodeId("n9")).hasMessageContaining("reason=not-in-cluster");
  }

  @Test
  void brokerSettingsFollowTheContractKeysOnEveryNodeAndInThePackagedService() {
    HostCluster c = new HostCluster(HOSTS, 9092, 9192, List.of("raft.snapshot.interval.entries=200",
        "log.retention.check.interval.ms=1000"));
    List<String> args = c.brokerArgs(3);
    assertThat(args.subList(args.size() - 4, args.size())).containsExactly("--set", "raft.snapshot.interval.entries=200",
        "--set", "log.retention.check.interval.ms=1000");
    assertThat(args.indexOf("num.partitions=3")).isLessThan(args.indexOf("raft.snapshot.interval.entries=200"));
    assertThat(c.dbSpec("/usr/bin/java", List.of(), List.of(), 3).command())
        .endsWith("'num.partitions=3' '--set' 'raft.snapshot.interval.entries=200' '--set' "
            + "'log.retention.check.interval.ms=1000'");
    assertThat(c.packaged(Path.of("/tmp/chronik.deb"), List.of(), 3).arguments()).isEqualTo(args);
    assertThat(new HostCluster(HOSTS, 9092, 9192).brokerArgs(3)).hasSize(12);
  }

  @Test
  void everyNodeGetsTheContractKeysAndItsOwnIdAddressAndDataDir() {
    HostCluster c = new HostCluster(HOSTS, 9092, 9192);
    DbSpec spec = c.dbSpec("/usr/bin/java", List.of("-Xmx384m"),
        List.of(new DbSpec.Upload(Path.of("/tmp/chronik-broker.jar"), "lib/chronik-broker.jar")), 3);
    assertThat(spec.command()).startsWith("'/usr/bin/java' '-Xmx384m' -cp '@HOME@/lib/*' io.chronik.broker.BrokerMain")
        .contains("'node.id=@NODE_ID@'")
        .contains("'cluster.nodes=" + c.clusterNodes() + "'")
        .contains("'listener.host=@ADDRESS@'", "'listener.port=9092'", "'data.dir=@HOME@/data'", "'num.partitions=3'");
    assertThat(spec.hostVariables().get("n1")).containsEntry("@NODE_ID@", "0");
    assertThat(spec.hostVariables().get("n3")).containsEntry("@NODE_ID@", "2");
    assertThat(spec.port()).isEqualTo(9092);
    assertThat(spec.files()).extracting(DbSpec.Upload::remote).containsExactly("lib/chronik-broker.jar");
  }

  @Test
  void refusesTwoNodesOnOneAddressEqualPortsAndEmptyClusters() {
    assertThatThrownBy(() -> new HostCluster(List.of(host("a", "10.0.3.11"), host("b", "10.0.3.11")), 9092, 9192))
        .hasMessageContaining("host=b").hasMessageContaining("two-nodes-on-one-address");
    assertThatThrownBy(() -> new HostCluster(HOSTS, 9092, 9092)).hasMessageContaining("ports-must-differ");
    assertThatThrownBy(() -> new HostCluster(List.of(), 9092, 9192)).hasMessageContaining("nodes=0");
  }

  @Test
  void hostsTargetParsesLabAndInventoryAndRefusesTheRest() {
    assertThat(HostsTarget.parse("lab:5")).isEqualTo(new HostsTarget(true, 5, null));
    assertThat(HostsTarget.parse("inventory:/etc/chronik/hosts")).isEqualTo(
        new HostsTarget(false, 0, Path.of("/etc/chronik/hosts")));
    assertThatThrownBy(() -> HostsTarget.parse("lab:0")).hasMessageContaining("nodes-out-of-range");
    assertThatThrownBy(() -> HostsTarget.parse("lab:x")).hasMessageContaining("expected lab:N");
    assertThatThrownBy(() -> HostsTarget.parse("10.0.0.1")).hasMessageContaining("expected lab:N or inventory:FILE");
  }
}
