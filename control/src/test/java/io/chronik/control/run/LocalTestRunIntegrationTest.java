package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test} end to end, as a user runs it: a separate JVM with the distribution's class
 * path (the broker jar is found beside this module, as the launcher finds it), a real broker process
 * killed with SIGKILL and paused with SIGSTOP, the official Kafka client, and the checker's verdict as
 * the exit code.
 */
@Tag("integration")
class LocalTestRunIntegrationTest {

  private static ChronikProcess.Run chronikTest(Path runs, String... args) throws Exception {
    return ChronikProcess.run(runs, Duration.ofMinutes(4), "test", args);
  }

  @Test
  void killAndPauseRunAgainstALocalThreeNodeClusterEndsValidWithAReport(@TempDir Path runs) throws Exception {
    ChronikProcess.Run run = chronikTest(runs, "--time", "15", "--seed", "42");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    Path runDir = run.dir();
    String console = run.console();
    String history = Files.readString(runDir.resolve("history.edn"));
    assertThat(history).containsPattern(":type :ok :process \\d+ :f :send")
        .containsPattern(":type :ok :process \\d+ :f :poll");
    long faultsStarted = history.lines().filter(l -> l.matches(".*:type :info .*:f :start-(kill|pause) .*")).count();
    long faultsHealed = history.lines().filter(l -> l.matches(".*:type :info .*:f :stop-(kill|pause) .*")).count();
    assertThat(faultsStarted).as("the nemesis injected faults").isPositive();
    assertThat(faultsHealed).as("every fault was healed").isEqualTo(faultsStarted);
    assertThat(console).contains("final reads complete").contains("VALID");
    assertThat(runDir.resolve("report.html")).isNotEmptyFile();
    assertThat(runDir.resolve("results.edn")).isNotEmptyFile();
    assertThat(runDir.resolve("n1.log")).isNotEmptyFile();
    assertThat(runDir.resolve("n3.log")).isNotEmptyFile();
    assertThat(console).contains("local cluster of 3 broker process(es)");
    assertThat(console).as("the replicas' data dirs digested and compared")
        .containsPattern("replicas agree groups=4 entries-compared=[1-9]\\d* divergences=0");
    assertThat(Files.readString(runDir.resolve("results.edn"))).contains(":replica-agreement {:agree? true :groups 4");
    assertClusterMetrics(runDir);
  }

  /** The control node scraped every broker during the run, and the report plots the cluster's view. */
  private static void assertClusterMetrics(Path runDir) throws Exception {
    java.util.List<String> rows = Files.readAllLines(runDir.resolve("cluster-metrics.csv"));
    assertThat(rows.get(0)).isEqualTo("seconds,node,series,value");
    for (String node : java.util.List.of("n1", "n2", "n3")) {
      for (String series : java.util.List.of("raft_leader_elections_total", "chronik_partitions_led",
          "chronik_partitions_under_replicated", "fsync_p99_ms")) {
        assertThat(rows).as("samples of %s from %s", series, node)
            .anyMatch(r -> r.matches("\\d+\\.\\d{3}," + node + "," + series + ",[0-9.E-]+"));
      }
    }
    assertThat(rows).as("someone led the partitions")
        .anyMatch(r -> r.matches(".*,chronik_partitions_led,[1-9].*"));
    String html = Files.readString(runDir.resolve("report.html"));
    for (String chart : java.util.List.of("elections", "leaders-per-node", "under-replicated", "fsync-p99")) {
      assertThat(html).contains("<h2>" + chart + "</h2>");
      assertThat(runDir.resolve("charts").resolve(chart + ".png")).isNotEmptyFile();
    }
  }

  /**
   * A rolling restart (each node in turn stopped gracefully, started, all ready again) under the
   * workload: valid, recorded with the order it restarted the nodes in, and no send failed for it.
   */
  @Test
  void rollingRestartsOfTheLocalClusterEndValidWithoutAFailedSend(@TempDir Path runs) throws Exception {
    ChronikProcess.Run run = chronikTest(runs, "--time", "25", "--seed", "8", "--faults", "rolling-restart");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    String history = Files.readString(run.dir().resolve("history.edn"));
    assertThat(history).containsPattern(":type :info :process :nemesis :f :start-rolling-restart :value\\s*"
        + "\"restarted-in-order=\\[n\\d, n\\d, n\\d\\]\"");
    assertThat(history.lines().filter(l -> l.matches(".*:type :(fail|info) :process \\d+ :f :send.*")))
        .as("sends that failed or timed out during rolling restarts").isEmpty();
    assertThat(run.console()).contains("final reads complete").contains("VALID");
  }

  /**
   * Retention deletes acknowledged values during the run (16 KiB per partition, 4 KiB segments, checked
   * every second): the final reader records the log starts and the topic's retention on its assign, and
   * the checker counts the deleted values as trimmed, so the run ends valid.
   */
  @Test
  void aRunWithRetentionCountsDeletedValuesAsTrimmedAndEndsValid(@TempDir Path runs) throws Exception {
    ChronikProcess.Run run = chronikTest(runs, "--time", "20", "--seed", "13", "--faults", "kill",
        "--broker-set", "log.retention.check.interval.ms=1000", "--broker-set", "raft.snapshot.interval.entries=100",
        "--broker-set", "raft.catchup.hold.entries=100", "--topic-config", "segment.bytes=4096",
        "--topic-config", "retention.bytes=16384");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    String history = Files.readString(run.dir().resolve("history.edn"));
    assertThat(history).as("the final reader's assign names log starts, end offsets and retention")
        .containsPattern(":seek-to-beginning\\? true :log-start-offsets\\{0 [1-9]\\d*")
        .contains(":retention{:retention.bytes 16384 :segment.bytes 4096");
    assertThat(run.console()).containsPattern("trimmed [1-9]\\d* \\(allowed\\)").contains("VALID");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).containsPattern(":counts \\{.*:trimmed [1-9]");
  }

  /** The checker must bite end to end: wiping a lone broker's data loses acknowledged writes. */
  @Test
  void wipingALoneBrokersDataIsReportedAsLoss(@TempDir Path runs) throws Exception {
    ChronikProcess.Run run = chronikTest(runs, "--time", "12", "--seed", "5", "--faults", "wipe-lone-broker", "--nodes", "1");
    assertThat(run.exitCode()).as("exit code 1 (invalid); console:%n%s", run.console()).isEqualTo(1);
    assertThat(run.console()).contains("INVALID");
    assertThat(run.console()).as("a loss anomaly is named")
        .containsAnyOf("lost-write", "inconsistent-offsets", "unseen", "vanished");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? false");
  }
}
