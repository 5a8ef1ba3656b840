package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.control.campaign.CampaignCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunOptionsTest {
  @TempDir Path dir;

  private static RunOptions parse(String... args) {
    TestCommand command = new TestCommand();
    new CommandLine(command).parseArgs(args);
    return command.options;
  }

  @Test
  void faultsDefaultAndValidateBySite() {
    assertThat(parse().faultsOrDefault()).containsExactly("kill", "pause");
    assertThat(parse("--hosts", "lab:3").faultsOrDefault()).containsExactly("partition", "kill", "pause");
    assertThat(parse("--hosts", "inventory:vms.txt").faultsOrDefault()).containsExactly("partition", "kill", "pause");
    assertThat(parse("--faults", "partition").problem()).contains("fault=partition").contains("site=local")
        .contains("reason=not-available-here");
    assertThat(parse("--hosts", "lab:3", "--faults", "wipe-lone-broker").problem()).contains("fault=wipe-lone-broker")
        .contains("site=lab").contains("reason=not-available-here");
    assertThat(parse("--hosts", "lab:3", "--faults", "zigzag").problem()).startsWith("fault=zigzag reason=unknown");
    assertThat(parse("--hosts", "lab:3", "--faults", "partition,kill,client-leader-cut,cascading").problem()).isNull();
    assertThat(parse("--faults", "kill-all,pause-majority,cascading,disk-loss").problem()).isNull();
    assertThat(parse("--nodes", "1", "--faults", "kill-all,wipe-lone-broker").problem()).isNull();
    assertThat(parse("--faults", "wipe-lone-broker").problem())
        .isEqualTo("fault=wipe-lone-broker nodes=3 reason=lone-broker-only use=disk-loss");
    assertThat(parse("--hosts", "lab:3", "--faults", "membership,rolling-restart,disk-loss,partition,kill").problem())
        .isNull();
    assertThat(parse("--hosts", "lab:2", "--faults", "disk-loss").problem())
        .isEqualTo("fault=disk-loss nodes=2 reason=needs-at-least-3-nodes");
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--faults", "disk-loss").problem()).startsWith("db=kafka")
        .contains("disk-loss:").contains("reason=chronik-only-faults");
    assertThat(parse("--faults", "none").problem()).isNull();
    assertThat(parse("--nodes", "1", "--faults", "kill-minority").problem())
        .isEqualTo("fault=kill-minority nodes=1 reason=needs-at-least-3-nodes");
    assertThat(parse("--hosts", "lab:2", "--faults", "partition", "--partition-shapes", "bridge").problem())
        .startsWith("shapes=[bridge] nodes=2 reason=no-usable-partition-shape");
  }

  @Test
  void theWorkloadTopicGetsTheConfigsOfTheSelectedFaultsOnly() {
    assertThat(Workloads.topicConfigs(parse("--hosts", "lab:3", "--faults", "kill,corrupt")))
        .isEqualTo(java.util.Map.of("segment.bytes", "2048"));
    assertThat(Workloads.topicConfigs(parse("--hosts", "lab:3"))).isEmpty();
    assertThat(Workloads.topicConfigs(parse())).isEmpty();
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--faults", "corrupt").problem()).startsWith("db=kafka")
        .contains("corrupt:").contains("reason=chronik-only-faults");
    assertThat(parse("--hosts", "lab:1", "--faults", "corrupt").problem())
        .isEqualTo("fault=corrupt nodes=1 reason=needs-at-least-2-nodes");
  }

  @Test
  void brokerSettingsAndTopicConfigsAreRepeatableKeyValuesThatCampaignRunsKeep() {
    RunOptions o = parse("--hosts", "lab:3", "--broker-set", "raft.snapshot.interval.entries=200", "--broker-set",
        "log.retention.check.interval.ms=1000", "--topic-config", "retention.bytes=65536", "--topic-config",
        "segment.bytes=16384");
    assertThat(o.problem()).isNull();
    assertThat(o.brokerSettings())
        .containsExactly("raft.snapshot.interval.entries=200", "log.retention.check.interval.ms=1000");
    assertThat(o.topicConfigOverrides()).containsExactly(java.util.Map.entry("retention.bytes", "65536"),
        java.util.Map.entry("segment.bytes", "16384"));
    RunOptions campaignRun = o.inDirectory(dir);
    assertThat(campaignRun.brokerSettings()).isEqualTo(o.brokerSettings());
    assertThat(Workloads.topicConfigs(campaignRun)).isEqualTo(java.util.Map.of("retention.bytes", "65536",
        "segment.bytes", "16384"));
    assertThat(parse().brokerSettings()).isEmpty();
    assertThat(parse().topicConfigOverrides()).isEmpty();
    assertThat(parse("--topic-config", "cleanup.policy=compact,delete").topicConfigOverrides())
        .containsEntry("cleanup.policy", "compact,delete");
  }

  @Test
  void aTopicConfigGivenWinsOverTheFaultsOneAndTheRunSaysWhichItUsed() {
    RunOptions o = parse("--hosts", "lab:3", "--faults", "kill,corrupt", "--topic-config", "segment.bytes=16384",
        "--topic-config", "retention.bytes=65536");
    assertThat(Workloads.topicConfigs(o)).isEqualTo(java.util.Map.of("segment.bytes", "16384",
        "retention.bytes", "65536"));
    assertThat(Workloads.topicConfigLine(o, "chronik-log")).isEqualTo("chronik test: topic=chronik-log "
        + "configs={retention.bytes=65536, segment.bytes=16384} (from the selected faults, --topic-config over them)");
    assertThat(Workloads.topicConfigLine(parse("--hosts", "lab:3", "--faults", "corrupt"), "t"))
        .isEqualTo("chronik test: topic=t configs={segment.bytes=2048} (from the selected faults)");
    assertThat(Workloads.topicConfigLine(parse("--topic-config", "retention.ms=1000"), "t"))
        .isEqualTo("chronik test: topic=t configs={retention.ms=1000} (from --topic-config)");
    assertThat(Workloads.topicConfigLine(parse(), "t")).isNull();
  }

  @Test
  void malformedReservedOrRepeatedSettingsAndBrokerSettingsForKafkaAreRefusedWithTheirKey() {
    assertThat(parse("--broker-set", "raft.snapshot.interval.entries").problem())
        .isEqualTo("broker-set=raft.snapshot.interval.entries reason=expected KEY=VALUE");
    assertThat(parse("--broker-set", "=5").problem()).isEqualTo("broker-set==5 reason=expected KEY=VALUE");
    assertThat(parse("--topic-config", "retention.bytes=").problem())
        .isEqualTo("topic-config=retention.bytes= reason=expected KEY=VALUE");
    assertThat(parse("--topic-config", "a b=1").problem()).isEqualTo("topic-config=a b=1 reason=expected KEY=VALUE");
    assertThat(parse("--topic-config", "retention.ms=1", "--topic-config", "retention.ms=2").problem())
        .isEqualTo("topic-config=retention.ms=2 reason=key-given-twice");
    assertThat(parse("--broker-set", "data.dir=/tmp/x").problem())
        .startsWith("broker-set=data.dir=/tmp/x reason=set-by-the-run known=[node.id,");
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--broker-set", "log.retention.check.interval.ms=1000")
        .problem()).startsWith("db=kafka broker-set=[log.retention.check.interval.ms=1000] "
            + "reason=broker-settings-are-chronik-only");
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--topic-config", "retention.bytes=65536").problem())
        .isNull();
    assertThat(new CommandLine(new CampaignCommand()).execute("--broker-set", "x", "--runs-dir", dir.toString()))
        .isEqualTo(3);
  }

  @Test
  void badWorkloadAcksHostsAndSizesAreRefusedWithTheirKey() {
    assertThat(parse("--workload", "bank").problem()).startsWith("workload=bank");
    assertThat(parse("--acks", "0").problem()).startsWith("acks=0");
    assertThat(parse("--hosts", "vm1").problem()).startsWith("hosts=vm1");
    assertThat(parse("--time", "2").problem()).contains("need time>=5");
    assertThat(parse("--name", "a/b").problem()).startsWith("name=a/b");
    assertThat(parse("--hosts", "lab:3", "--partition-shapes", "isolate-leader,zigzag").problem())
        .startsWith("shape=zigzag");
  }

  @Test
  void kafkaTargetRefusesChronikOnlyFaultsAndLocalRunsNamingThem() {
    assertThat(parse().database()).isEqualTo(Database.CHRONIK);
    assertThat(parse("--hosts", "lab:3", "--db", "kafka").problem()).isNull();
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--faults", "kill,lose-unsynced-all,partition,pause").problem())
        .isNull();
    assertThat(parse("--hosts", "lab:3", "--db", "kafka", "--faults", "kill,latency,rolling-restart").problem())
        .startsWith("db=kafka faults=[latency:proxies-chronik-raft-port-9192, rolling-restart:")
        .contains("reason=chronik-only-faults");
    assertThat(parse("--hosts", "lab:3", "--faults", "latency,rolling-restart").problem()).isNull();
    assertThat(parse("--db", "kafka").problem()).startsWith("db=kafka reason=needs-hosts");
    assertThat(parse("--hosts", "lab:3", "--db", "mysql").problem()).startsWith("db=mysql reason=unknown");
    assertThat(parse("--hosts", "lab:3", "--db", "kafka").inDirectory(dir).database()).isEqualTo(Database.KAFKA);
    assertThat(parse("--hosts", "lab:3", "--db", "kafka").runName()).isEqualTo("lab-apache-kafka-kafka");
    assertThat(new CommandLine(new CampaignCommand()).execute("--db", "kafka", "--runs-dir", dir.toString()))
        .isEqualTo(3);
  }

  @Test
  void helpShowsTheDbOption() {
    assertThat(new CommandLine(new TestCommand()).getUsageMessage()).contains("--db").contains("chronik, kafka");
  }

  @Test
  void runFolderNamesSayWhereAndWhat() {
    assertThat(parse().runName()).isEqualTo("local-kafka");
    assertThat(parse("--hosts", "lab:3", "--workload", "register").runName()).isEqualTo("lab-register");
    assertThat(parse("--hosts", "inventory:vms.txt").runName()).isEqualTo("hosts-kafka");
    assertThat(parse("--name", "nightly").runName()).isEqualTo("nightly");
    assertThat(parse("--hosts", "lab:3").inDirectory(dir).runsDirOrDefault()).isEqualTo(dir);
  }

  @Test
  void labTargetWithoutALabFailsTellingHowToBringOneUp() {
    assertThatThrownBy(() -> HostsRun.resolve(HostsTarget.parse("lab:3"), dir.resolve("no-lab")))
        .hasMessageContaining("reason=lab-not-up").hasMessageContaining("chronik lab up --nodes 3");
  }

  @Test
  void clientFaultsRunTheWorkloadsClientsAsProcessesAndDrawFromThem() {
    RunOptions o = parse("--faults", "client-kill,kill", "--producers", "2", "--consumers", "2",
        "--consumer-mode", "subscribe");
    assertThat(o.problem()).isNull();
    assertThat(o.clientProcesses()).isTrue();
    assertThat(Workloads.settings(o).subscribe()).isTrue();
    assertThat(Workloads.processClients(o)).containsExactly("p1", "p2", "c1", "c2");
    assertThat(o.plan(5, java.util.List.of("n1", "n2", "n3"), LocalRun.TIMING))
        .filteredOn(s -> s.fault().name().equals("client-kill")).isNotEmpty()
        .allSatisfy(s -> assertThat(s.injection().targets()).hasSize(1).isSubsetOf("p1", "p2", "c1", "c2"));
    assertThat(parse().clientProcesses()).as("threads unless asked or needed").isFalse();
    assertThat(parse("--client-processes").clientProcesses()).isTrue();
    assertThat(parse("--hosts", "lab:3", "--faults", "client-kill-all").problem()).isNull();
    RunOptions register = parse("--workload", "register", "--faults", "client-kill", "--clients", "3");
    assertThat(register.problem()).as("register clients run as processes too").isNull();
    assertThat(register.clientProcesses()).isTrue();
    assertThat(Workloads.processClients(register)).containsExactly("r1", "r2", "r3");
    assertThat(register.plan(5, java.util.List.of("n1", "n2", "n3"), LocalRun.TIMING))
        .filteredOn(s -> s.fault().name().equals("client-kill")).isNotEmpty()
        .allSatisfy(s -> assertThat(s.injection().targets()).hasSize(1).isSubsetOf("r1", "r2", "r3"));
    assertThat(parse("--consumer-mode", "both").problem()).isEqualTo("consumer-mode=both reason=unknown known=[assign, "
        + "subscribe]");
    assertThat(parse("--consumers", "0").problem()).contains("consumers=0").contains("consumers>=1");
  }

  @Test
  void inventoryTargetUsesEveryHostInFileOrder() throws Exception {
    Path file = Files.writeString(dir.resolve("vms.txt"), "n2 10.0.3.12\nn1 10.0.3.11 user=admin sudo=true\n");
    HostsRun.Cluster c = HostsRun.resolve(HostsTarget.parse("inventory:" + file), null);
    assertThat(c.hosts()).extracting(h -> h.name()).containsExactly("n2", "n1");
    assertThat(new HostCluster(c.hosts(), 9092, 9192).clusterNodes()).startsWith("0@10.0.3.12:9092:9192,1@10.0.3.11");
  }

  @Test
  void campaignRefusesZeroRunsAndBadOptionsWithExitThree() {
    assertThat(new CommandLine(new CampaignCommand()).execute("--runs", "0", "--runs-dir", dir.toString())).isEqualTo(3);
    assertThat(new CommandLine(new CampaignCommand()).execute("--workload", "bank", "--runs-dir", dir.toString()))
        .isEqualTo(3);
    assertThat(ProgressLine.format(12, 10234, 4987, 31, 3)).isEqualTo("  t= 12s ops=10234 ok=4987 errors=31 faults=3");
  }
}
