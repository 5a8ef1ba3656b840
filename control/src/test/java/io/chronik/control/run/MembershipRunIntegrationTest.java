package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import io.chronik.control.nemesis.MembershipPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --hosts lab:4 --faults membership}: every injection moves one replica of each of the
 * workload topic's 3 partitions to the fourth node and removes and re-adds a metadata voter while the
 * workload runs, and its heal moves the replicas back. The run is VALID, the history holds each start and
 * heal with what was done, and after the run the brokers themselves agree with the last heal's value: each
 * lab host's data dir holds exactly the partition replicas the heal read back, every node's log applied
 * that assignment last, and the metadata leader's last voter change left all four voters.
 */
@Tag("integration")
class MembershipRunIntegrationTest {
  private static final String NAME = "cmbr";
  private static final Cidr SUBNET = Cidr.parse("198.18.131.0/24");
  private static final Pattern START_INVOKE = Pattern.compile(
      ":type :invoke :process :nemesis :f :start-membership :value\\s*\\{[^}]*:shape\\s*\"([^\"]*)\"");
  private static final Pattern START_INFO = Pattern.compile(
      ":type :info :process :nemesis :f :start-membership :value\\s*\"([^\"]*)\"");
  private static final Pattern HEAL_INFO = Pattern.compile(
      ":type :info :process :nemesis :f :stop-membership :value\\s*\"([^\"]*)\"");
  private static final Pattern MOVED_LINE = Pattern.compile(
      "topic=chronik-log partition=(\\d+) group=\\d+ replicas=\\[([\\d, ]*)\\] target=\\[\\] reason=partition-moved");
  private static final Pattern VOTERS_LINE = Pattern.compile(
      "^(\\S+) .*MetadataVoters group=metadata voter=\\d+ action=(?:add|remove) voters=\\[([\\d, ]*)\\]");

  @TempDir Path runs;

  @Test
  void replicasMoveAndAVoterLeavesAndReturnsUnderLoadTheRunIsValidAndTheBrokersEndOnTheHealedAssignment()
      throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-cmbr-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-cmbr-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      Inventory inventory = lab.up(4, SUBNET);
      // seed 1 draws membership twice in 20 s
      ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(3), "test", "--hosts", "lab:4",
          "--lab-dir", dir.toString(), "--time", "20", "--faults", "membership", "--seed", "1");
      String console = run.console();
      System.out.println("membership lab run: exit=" + run.exitCode() + " " + console.lines()
          .filter(l -> l.contains("verdict=") || l.contains("replicas ") || l.contains("final reads")).toList());
      assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
      assertThat(console).contains("verdict=VALID").contains("replicas agree");

      String history = Files.readString(run.dir().resolve("history.edn"));
      List<String> plans = all(START_INVOKE, history);
      List<String> starts = all(START_INFO, history);
      List<String> heals = all(HEAL_INFO, history);
      System.out.println("membership lab run: plans=" + plans + " starts=" + starts + " heals=" + heals);
      assertThat(plans).as("membership put in place").isNotEmpty().hasSameSizeAs(starts).hasSameSizeAs(heals);
      for (int i = 0; i < plans.size(); i++) {
        MembershipPlan plan = MembershipPlan.parse(plans.get(i));
        assertThat(plan.moves()).as("one move per partition on 4 nodes").hasSize(3);
        assertThat(plan.voter()).isNotEmpty();
        assertThat(starts.get(i)).isEqualTo("moved=" + MembershipPlan.assignmentText(plan.assignment(true))
            + " voter-removed=" + plan.voter() + " voter-added=" + plan.voter() + " voters=[n1, n2, n3, n4]");
        assertThat(heals.get(i)).as("moved back to the assignment before, all four voters")
            .startsWith("moved-back=[p0, p1, p2] ")
            .endsWith(" replicas=" + MembershipPlan.assignmentText(plan.assignment(false))
                + " voters=[n1, n2, n3, n4]");
      }
      Map<Integer, List<String>> healed = MembershipPlan.parse(plans.get(plans.size() - 1)).assignment(false);
      assertBrokersEndOn(healed, inventory, run.dir());
      assertThat(Files.readString(run.dir().resolve("report.html"))).contains("<td>membership</td>");
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }

  /** On disk and in every node's log: the replicas are {@code healed}, the voters all four nodes. */
  private static void assertBrokersEndOn(Map<Integer, List<String>> healed, Inventory inventory, Path runDir)
      throws IOException {
    String lastVoters = null;
    String lastVotersAt = "";
    for (Host h : inventory.hosts()) {
      TreeSet<Integer> expected = new TreeSet<>();
      healed.forEach((p, nodes) -> {
        if (nodes.contains(h.name())) {
          expected.add(p);
        }
      });
      assertThat(partitionDirs(Path.of(h.homeDir(), "data", "raft"))).as("replicas on %s's disk", h.name())
          .isEqualTo(expected);
      String log = Files.readString(runDir.resolve("nodes").resolve(h.name()).resolve("logs").resolve("chronik.log"));
      Map<Integer, List<String>> applied = new TreeMap<>();
      Matcher moved = MOVED_LINE.matcher(log);
      while (moved.find()) {
        applied.put(Integer.parseInt(moved.group(1)), names(moved.group(2)));
      }
      assertThat(applied).as("the last assignment %s's metadata applied", h.name()).isEqualTo(healed);
      for (String line : log.lines().toList()) {
        Matcher voters = VOTERS_LINE.matcher(line);
        if (voters.find() && voters.group(1).compareTo(lastVotersAt) >= 0) {
          lastVotersAt = voters.group(1);
          lastVoters = voters.group(2);
        }
      }
    }
    assertThat(lastVoters).as("the last voter change of the run's metadata leaders").isEqualTo("0, 1, 2, 3");
  }

  /** The workload topic's partitions whose replica directory ({@code p<group>-chronik-log-<partition>}) is here. */
  private static TreeSet<Integer> partitionDirs(Path raft) throws IOException {
    TreeSet<Integer> partitions = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(raft)) {
      dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("p\\d+-chronik-log-\\d+"))
          .forEach(n -> partitions.add(Integer.parseInt(n.substring(n.lastIndexOf('-') + 1))));
    }
    return partitions;
  }

  /** Node ids {@code 1, 2, 0} as the run's host names (node i is host n(i+1)). */
  private static List<String> names(String ids) {
    return Arrays.stream(ids.split(",\\s*")).map(id -> "n" + (Integer.parseInt(id.strip()) + 1)).toList();
  }

  private static List<String> all(Pattern p, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
