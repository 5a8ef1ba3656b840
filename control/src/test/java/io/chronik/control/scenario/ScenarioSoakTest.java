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
 * {@code chronik scenarios} on a 3-host lab: every scenario of the catalog valid with every claim
 * kept, one summary row each. About 30 minutes: soak tier only
 * ({@code mvn verify -Dchronik.groups=soak -Dchronik.excludedGroups=}).
 */
@Tag("soak")
class ScenarioSoakTest {
  private static final String NAME = "cssk";
  private static final Cidr SUBNET = Cidr.parse("198.18.105.0/24");

  @TempDir Path runs;

  @Test
  void everyScenarioOnALabIsValidWithEveryClaimKept() throws Exception {
    Prerequisites.requireLab();
    // crash-recovery puts the data dirs on chronik lazyfs
    Prerequisites.require(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
    Prerequisites.require(LocalCommand.run("sh", "-c", "command -v fusermount").ok(),
        "fusermount missing (apt-get install fuse3 libfuse2)");
    StaleTestLabs.removeOrphans("chronik-lab-scsk-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-scsk-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    ChronikProcess.Run run;
    try {
      lab.up(3, SUBNET);
      run = ChronikProcess.run(runs, Duration.ofMinutes(90), "scenarios", "--hosts", "lab:3", "--lab-dir",
          dir.toString(), "--seed", "16");
    } finally {
      lab.down();
    }
    String summary = Files.readString(run.dir().resolve("summary.md"));
    assertThat(run.exitCode()).as("every scenario valid (exit 0); summary:%n%s", summary).isZero();
    for (Scenario s : ScenarioCatalog.all()) {
      assertThat(summary).as("%s valid with every claim kept", s.name()).containsPattern(
          "\\| " + s.name() + " \\| [a-z ]+ \\| VALID \\| [^|]+ \\| " + (s.checks().size() + 1) + "/"
              + (s.checks().size() + 1) + " \\|");
    }
  }
}
