package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.nemesis.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik campaign}: 30 lab runs drawing from every fault that runs on lab hosts must be
 * valid, and the summary must show each of those faults put in place at least once. About an hour:
 * soak tier only ({@code mvn verify -Dchronik.groups=soak -Dchronik.excludedGroups=}).
 */
@Tag("soak")
class CampaignSoakTest {
  private static final String NAME = "ccsk";
  private static final Cidr SUBNET = Cidr.parse("198.18.103.0/24");
  private static final int RUNS = 30;

  @TempDir Path runs;

  @Test
  void thirtyLabRunsOverEveryLabFaultAreValidAndDrawEachFault() throws Exception {
    Prerequisites.requireLab();
    StaleTestLabs.removeOrphans("chronik-lab-soak-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-soak-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    List<String> faults = FaultRegistry.names(Site.LAB);
    ChronikProcess.Run campaign;
    try {
      lab.up(3, SUBNET);
      campaign = ChronikProcess.run(runs, Duration.ofMinutes(120), "campaign", "--runs", Integer.toString(RUNS),
          "--hosts", "lab:3", "--lab-dir", dir.toString(), "--time", "60", "--faults", String.join(",", faults),
          "--seed", "16");
    } finally {
      lab.down();
    }
    String summary = Files.readString(campaign.dir().resolve("summary.md"));
    assertThat(campaign.exitCode()).as("campaign verdict (exit 0 valid); summary:%n%s", summary).isZero();
    String perFault = summary.lines().filter(l -> l.startsWith("Faults put in place, per fault: ")).findFirst()
        .orElseThrow();
    for (String fault : faults) {
      assertThat(perFault).as("%s drawn at least once", fault).containsPattern("[ ,]" + fault + " [1-9]");
    }
  }
}
