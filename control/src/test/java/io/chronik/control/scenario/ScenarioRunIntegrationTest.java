package io.chronik.control.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import io.chronik.control.run.ChronikProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik scenarios --only leader-failure} on a 3-host lab: the leader of partition 0 is
 * killed by the fixed schedule, the run is valid, every claim holds (the re-election time measured
 * from the history) and the summary table is written as Markdown and JSON. Skipped with the reason
 * without root and namespaces; fails instead with {@code CI=true}. Tagged {@code soak} with the whole
 * suite ({@code ScenarioSoakTest}): {@code scenarios} runs a suite, and one lab run of it costs a minute of
 * the default tier while its kill of the leader is what {@code ClusterRunIntegrationTest} already runs; the
 * scenarios' parsing and claims stay in the default tier ({@code ScenarioCatalogTest}, {@code ScenarioChecksTest}).
 */
@Tag("soak")
class ScenarioRunIntegrationTest {
  private static final String NAME = "cscn";
  private static final Cidr SUBNET = Cidr.parse("198.18.104.0/24");

  @TempDir Path runs;

  @Test
  void leaderFailureOnALabIsValidWithItsReElectionTimeMeasured() throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-scn-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-scn-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    ChronikProcess.Run run;
    try {
      lab.up(3, SUBNET);
      run = ChronikProcess.run(runs, Duration.ofMinutes(5), "scenarios", "--only", "leader-failure", "--hosts",
          "lab:3", "--lab-dir", dir.toString(), "--seed", "11");
    } finally {
      lab.down();
    }
    String summary = Files.readString(run.dir().resolve("summary.md"));
    assertThat(run.exitCode()).as("exit 0 (valid); summary:%n%s%nconsole:%n%s", summary, run.console()).isZero();
    assertThat(summary).containsPattern("\\| leader-failure \\| failure \\| VALID \\| re-election-ms=\\d+ \\| 3/3 \\|")
        .contains("PASS every scheduled fault put in place: `faults-in-place=1/1`")
        .contains("PASS every acknowledged write read back at its offset");
    assertThat(Files.readString(run.dir().resolve("summary.json"))).contains("\"name\": \"leader-failure\"")
        .contains("\"verdict\": \"VALID\"").containsPattern("\"key_measurement\": \"re-election-ms=\\d+\"");
    String history;
    try (var dirs = Files.list(run.dir())) {
      Path runDir = dirs.filter(d -> d.getFileName().toString().endsWith("-leader-failure")).findFirst().orElseThrow();
      history = Files.readString(runDir.resolve("history.edn"));
      assertThat(runDir.resolve("scenario.md")).content().contains("VALID");
    }
    assertThat(history).as("the leader asked of the cluster, killed and recorded")
        .containsPattern(":type :invoke :process :nemesis :f :start-kill-leader :value\\s*\\{:targets\\s*\\[\\s*\"n\\d\"\\]")
        .containsPattern(":type :info :process :nemesis :f :start-kill-leader :value\\s*\"killed=");
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }
}
