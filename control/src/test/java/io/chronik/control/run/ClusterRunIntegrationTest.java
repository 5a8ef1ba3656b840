package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.StaleTestLabs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --hosts lab:3} end to end against the replicated broker: a 3-node lab, the
 * distribution deployed over SSH, a kafka run under iptables partitions, kill -9 of one node and of a
 * majority, a cascading failure and a client-leader cut that must be valid, with its report (faults
 * listed with the nodes they hit) and every node's log; then the checker must bite: producers with
 * {@code acks=1} while the nemesis isolates the partition leader must be judged invalid with
 * {@code lost-write}. Finally {@code lab down} must leave no namespace, bridge or broker behind.
 * Skipped (with the reason) without root and network namespaces, or before the broker jar is packaged.
 */
@Tag("integration")
class ClusterRunIntegrationTest {
  private static final String NAME = "ccrt";
  private static final Cidr SUBNET = Cidr.parse("198.18.102.0/24");

  @TempDir Path validRuns;
  @TempDir Path lossRuns;

  @Test
  void partitionsAndKillsOnALabClusterAreValidAndAcksOneUnderAnIsolatedLeaderLosesWrites() throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-crit-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-crit-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      Inventory inventory = lab.up(3, SUBNET);
      validRunUnderPartitionsAndKills(dir, inventory);
      aPlantedCommittedEntryOnOneReplicaIsADivergence(inventory);
      acksOneUnderAnIsolatedLeaderIsInvalidWithLostWrites(dir);
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(LocalCommand.run("ip", "link", "show", NAME + "-br").ok()).isFalse();
    assertThat(LocalCommand.run("iptables", "-w", "-S", "FORWARD").stdout()).doesNotContain("CCRT-LAB");
    assertThat(brokersUnder(dir)).as("no broker of the lab still runs").isEmpty();
    assertThat(dir).doesNotExist();
  }

  private void validRunUnderPartitionsAndKills(Path dir, Inventory inventory) throws Exception {
    // Seed 35 draws every one of these faults in 60 s on 3 nodes (FaultPlan is pure): kill, isolate-one,
    // client-leader-cut, kill-majority, cascading twice. The cut comes before the majority kills: after
    // one, partition 0 stayed leaderless for more than 12 s in two runs, longer than a fault waits.
    ChronikProcess.Run run = ChronikProcess.run(validRuns, Duration.ofMinutes(5), "test", "--hosts", "lab:3",
        "--lab-dir", dir.toString(), "--time", "60", "--faults", "partition,kill,kill-majority,cascading,client-leader-cut",
        "--seed", "35");
    String console = run.console();
    // the checker's verdict and anomaly counts lead the message: CI logs keep a failure's first lines
    assertThat(run.exitCode()).as("exit 0 (valid); checker:%n%s%nconsole:%n%s", checkerLines(console), console)
        .isZero();
    assertThat(console).contains("final reads complete").contains("VALID");
    assertThat(console).containsPattern("t= *\\d+s ops=\\d+ ok=\\d+ errors=\\d+ faults=\\d+");
    String history = Files.readString(run.dir().resolve("history.edn"));
    assertThat(history).contains(":f :heal-all");
    for (String fault : List.of("partition", "kill", "kill-majority", "cascading", "client-leader-cut")) {
      assertThat(history).as("%s recorded with the nodes it hit", fault)
          .containsPattern(":type :invoke :process :nemesis :f :start-" + fault + " :value\\s*\\{:targets\\s*\\[\\s*\"n\\d");
      assertThat(history).as("%s put in place without error", fault)
          .containsPattern(":type :info :process :nemesis :f :start-" + fault + " :value\\s*\"(?!error=)");
    }
    assertThat(Files.readString(run.dir().resolve("report.html"))).containsPattern("<td>client-leader-cut</td><td>n\\d</td>")
        .containsPattern("<td>kill-majority</td><td>n\\d n\\d</td>");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? true")
        .containsPattern(":replica-agreement \\{:agree\\? true :groups 4 :entries-compared [1-9]\\d{3,} :divergences \\[\\]");
    assertThat(console).containsPattern("replicas agree groups=4 entries-compared=[1-9]\\d{3,} divergences=0");
    assertThat(Files.readString(run.dir().resolve("report.html"))).contains("<h2>Replica agreement</h2>");
    for (Host h : inventory.hosts()) {
      assertThat(run.dir().resolve("nodes").resolve(h.name()).resolve("logs").resolve("chronik.log"))
          .as("log of %s collected over SSH", h.name()).isNotEmptyFile();
    }
  }

  private void acksOneUnderAnIsolatedLeaderIsInvalidWithLostWrites(Path dir) throws Exception {
    ChronikProcess.Run run = ChronikProcess.run(lossRuns, Duration.ofMinutes(4), "test", "--hosts", "lab:3",
        "--lab-dir", dir.toString(), "--time", "30", "--faults", "partition", "--partition-shapes", "isolate-leader",
        "--acks", "1", "--partitions", "1", "--producers", "4", "--seed", "5");
    String console = run.console();
    assertThat(run.exitCode()).as("exit 1 (invalid); console:%n%s", console).isEqualTo(1);
    assertThat(console).contains("INVALID").contains("lost-write");
    assertThat(Files.readString(run.dir().resolve("history.edn"))).contains(":f :start-partition");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? false").contains("lost-write");
  }

  /**
   * After the valid run (brokers stopped, their data left on the lab hosts): one committed entry of
   * partition 0 on n2 is rewritten with a different payload and a recomputed frame CRC, so the log
   * still reads as valid; the replica check over SSH must name that group and index.
   */
  private void aPlantedCommittedEntryOnOneReplicaIsADivergence(Inventory inventory) throws Exception {
    Host n2 = inventory.hosts().get(1);
    Path group;
    try (Stream<Path> dirs = Files.list(Path.of(n2.homeDir(), "data", "raft"))) {
      group = dirs.filter(d -> d.getFileName().toString().matches("p\\d+-chronik-log-0")).findFirst().orElseThrow();
    }
    Path segment;
    try (Stream<Path> files = Files.list(group)) {
      segment = files.filter(f -> f.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
    }
    long planted = 5;
    rewritePayloadOf(segment, planted);
    io.chronik.control.host.AddressGuard guard = new io.chronik.control.host.AddressGuard(inventory, false);
    try (io.chronik.control.ssh.SshHosts ssh = new io.chronik.control.ssh.SshHosts(inventory, guard)) {
      var result = ReplicaCheck.onHosts(ssh, inventory.hosts(), Path.of(System.getProperty("java.home"), "bin", "java")
          .toString()).check();
      assertThat(result.agree()).isFalse();
      assertThat(result.divergences()).hasSize(1);
      assertThat(result.divergences().get(0).dir()).isEqualTo(group.getFileName().toString());
      assertThat(result.divergences().get(0).index()).isEqualTo(planted);
      assertThat(result.divergences().get(0).entriesDiffering()).isEqualTo(1);
    }
  }

  /** Flips one payload byte of the frame with Raft index {@code index} and recomputes its CRC32C (frame: crc, length, index, term, key, kind, payload). */
  private static void rewritePayloadOf(Path segment, long index) throws IOException {
    byte[] bytes = Files.readAllBytes(segment);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    int at = 0;
    while (b.getLong(at + 8) != index) {
      assertThat(b.getInt(at + 4)).as("frame length at %d", at).isNotNegative().isLessThan(bytes.length);
      at += 36 + b.getInt(at + 4);
    }
    int length = b.getInt(at + 4);
    assertThat(length).as("entry %d has a payload to change", index).isPositive();
    bytes[at + 36 + length - 1] ^= 0x5a;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes, at + 4, 32 + length);
    b.putInt(at, (int) crc.getValue());
    Files.write(segment, bytes);
  }

  /** The checker's summary in a run's console: the verdict line of the history and what follows it. */
  private static String checkerLines(String console) {
    int at = console.indexOf("history.edn: ");
    return at < 0 ? "(no checker output)" : console.substring(console.lastIndexOf('\n', at) + 1);
  }

  /** Pids of live processes whose command line names the lab directory (the brokers run from there). */
  private static List<Long> brokersUnder(Path dir) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          String stat = Files.readString(p.resolve("stat"));
          return cmd.contains(dir.toString()) && cmd.contains("BrokerMain")
              && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
          return false;
        }
      }).map(p -> Long.parseLong(p.getFileName().toString())).toList();
    }
  }
}
