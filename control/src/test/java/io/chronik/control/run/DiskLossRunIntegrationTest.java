package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik campaign --runs 1 --hosts lab:3 --faults disk-loss} (replication factor 3): each injection
 * kills one node, deletes its whole data dir and starts it at once, and the heal waits until every node is
 * ready again. The run is VALID with its replicas agreeing, the campaign summary counts the injections under
 * {@code disk-loss}, each start and heal is recorded with what it did, and each wiped node came back under a
 * new directory id (its broker's own start lines say so; the fault keeps the node's log).
 */
@Tag("integration")
class DiskLossRunIntegrationTest {
  private static final String NAME = "cdls";
  private static final Cidr SUBNET = Cidr.parse("198.18.141.0/24");
  private static final Pattern START_INFO = Pattern.compile(
      ":type :info :process :nemesis :f :start-disk-loss :value\\s*\"([^\"]*)\"");
  private static final Pattern HEAL_INFO = Pattern.compile(
      ":type :info :process :nemesis :f :stop-disk-loss :value\\s*\"([^\"]*)\"");
  private static final Pattern STARTED = Pattern.compile("killed-wiped-started=(n\\d) ready-before=\\[n1, n2, n3]");
  private static final Pattern BROKER_START = Pattern.compile("broker node=\\d+ cluster=\\S+ directory=(\\S+) ");
  private static final Pattern SUMMARY_COUNT = Pattern.compile(":faults-by-name \\{\"disk-loss\" (\\d+)}");

  @TempDir Path runs;

  @Test
  void aNodeThatLosesItsDiskComesBackUnderANewDirectoryIdAndTheRunIsValid() throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-cdls-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-cdls-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      lab.up(3, SUBNET);
      // campaign seed 12 plans disk-loss of n2 at 5.2-9.1 s and of n3 at 11.3-19.2 s
      ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(3), "campaign", "--runs", "1",
          "--hosts", "lab:3", "--lab-dir", dir.toString(), "--time", "20", "--faults", "disk-loss", "--seed", "12");
      String console = run.console();
      System.out.println("disk-loss lab run: exit=" + run.exitCode() + " " + console.lines()
          .filter(l -> l.contains("verdict=") || l.contains("replicas ") || l.contains("final reads")).toList());
      assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
      assertThat(console).contains("verdict=VALID").contains("replicas agree");

      Path runDir = onlyRun(run.dir());
      String history = Files.readString(runDir.resolve("history.edn"));
      List<String> starts = all(START_INFO, history);
      List<String> heals = all(HEAL_INFO, history);
      System.out.println("disk-loss lab run: starts=" + starts + " heals=" + heals);
      assertThat(starts).as("disk-loss put in place").isNotEmpty().hasSameSizeAs(heals);
      Map<String, Integer> losses = new TreeMap<>();
      for (int i = 0; i < starts.size(); i++) {
        Matcher started = STARTED.matcher(starts.get(i));
        assertThat(started.matches()).as("start %s", starts.get(i)).isTrue();
        String node = started.group(1);
        losses.merge(node, 1, Integer::sum);
        assertThat(heals.get(i)).isEqualTo("rejoined=" + node + " ready=[n1, n2, n3]");
      }
      Matcher counted = SUMMARY_COUNT.matcher(Files.readString(run.dir().resolve("summary.edn")));
      assertThat(counted.find()).as("summary.edn counts disk-loss").isTrue();
      assertThat(Integer.parseInt(counted.group(1))).isEqualTo(starts.size());
      assertThat(Files.readString(run.dir().resolve("summary.md"))).contains("disk-loss " + starts.size());

      for (Map.Entry<String, Integer> lost : losses.entrySet()) {
        Set<String> ids = directoryIds(runDir.resolve("nodes").resolve(lost.getKey()).resolve("logs")
            .resolve("chronik.log"));
        System.out.println("disk-loss lab run: " + lost.getKey() + " lost its disk " + lost.getValue()
            + " time(s), directory ids " + ids);
        assertThat(ids).as("a new directory id after each loss of %s", lost.getKey()).hasSize(1 + lost.getValue());
        // the heal waited for the safe rejoin itself: the survivors moved the node out of every group and back
        int nodeId = Integer.parseInt(lost.getKey().substring(1)) - 1; // n1 is node 0 (the hosts' order)
        long finished = 0;
        for (String host : List.of("n1", "n2", "n3")) {
          finished += Files.readString(runDir.resolve("nodes").resolve(host).resolve("logs").resolve("chronik.log"))
              .lines().filter(l -> l.contains("node=" + nodeId + " action=rejoin-finished")).count();
        }
        System.out.println("disk-loss lab run: rejoins of node " + nodeId + " finished (lines in all logs) " + finished);
        assertThat(finished).as("rejoin-finished lines for node %d", nodeId).isGreaterThanOrEqualTo(lost.getValue());
      }
      assertThat(Files.readString(runDir.resolve("report.html"))).contains("<td>disk-loss</td>");
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }

  /** The campaign's one run folder. */
  private static Path onlyRun(Path campaign) throws IOException {
    try (Stream<Path> dirs = Files.list(campaign)) {
      List<Path> found = dirs.filter(Files::isDirectory).toList();
      assertThat(found).as("run folders in %s", campaign).hasSize(1);
      return found.get(0);
    }
  }

  /** The directory ids the broker started under, in order of first appearance. */
  private static Set<String> directoryIds(Path log) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = BROKER_START.matcher(Files.readString(log));
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
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
