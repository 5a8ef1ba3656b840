package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15's done criterion as one command: a campaign of 10 runs on a 4-host lab (replication factor 3)
 * mixing {@code membership}, {@code rolling-restart} and {@code disk-loss} with partitions and kills is VALID,
 * and its summary counts each of the three put in place at least 5 times. The campaign seed 61 plans 14–16 of
 * each; a slow rolling restart or rejoin makes later steps of its run skip, and replaying the plans with
 * pessimistic durations (a rolling restart 60 s where one took 23 s, a disk-loss heal 38 s) still put each of
 * the three in place at least 6 times. About 20 min (the first run took 104 s against today's broker):
 * soak tier only ({@code mvn verify -pl control -Dtest=DiskLossCampaignSoakTest -Dchronik.groups=soak
 * -Dchronik.excludedGroups=}); by hand: docs/RUNS.md "Campaigns".
 */
@Tag("soak")
class DiskLossCampaignSoakTest {
  private static final String NAME = "cdlc";
  private static final Cidr SUBNET = Cidr.parse("198.18.142.0/24");
  static final List<String> MIXED = List.of("membership", "rolling-restart", "disk-loss");
  static final String FAULTS = String.join(",", MIXED) + ",partition,kill";
  private static final int AT_LEAST = 5;

  @TempDir Path runs;

  @Test
  void tenLabRunsMixingMembershipRollingRestartAndDiskLossAreValidAndPutEachInPlaceFiveTimes() throws Exception {
    Prerequisites.requireLab();
    StaleTestLabs.removeOrphans("chronik-lab-cdlc-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-cdlc-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    ChronikProcess.Run campaign;
    try {
      lab.up(4, SUBNET);
      campaign = ChronikProcess.run(runs, Duration.ofMinutes(60), "campaign", "--runs", "10", "--hosts", "lab:4",
          "--lab-dir", dir.toString(), "--time", "60", "--faults", FAULTS, "--seed", "61");
    } finally {
      lab.down();
    }
    String summary = Files.readString(campaign.dir().resolve("summary.md"));
    System.out.println(summary);
    assertThat(campaign.exitCode()).as("campaign verdict (exit 0 valid); summary:%n%s", summary).isZero();
    String perFault = summary.lines().filter(l -> l.startsWith("Faults put in place, per fault: ")).findFirst()
        .orElseThrow();
    for (String fault : MIXED) {
      Matcher count = Pattern.compile("[ ,]" + fault + " (\\d+)").matcher(perFault);
      assertThat(count.find()).as("%s put in place; %s", fault, perFault).isTrue();
      assertThat(Integer.parseInt(count.group(1))).as("%s put in place; %s", fault, perFault)
          .isGreaterThanOrEqualTo(AT_LEAST);
    }
  }
}
