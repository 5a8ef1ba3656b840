package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --hosts lab:3 --faults corrupt}, seen from outside the brokers: while each
 * damaged node is down (the fault holds it 3-8 s) a watcher reads the history as it is written and the
 * damaged file straight off the lab host's disk — the flipped byte is the inverse of the one the fault read,
 * the cut file has the size the fault left. After the run: VALID, the replicas agree with every node up,
 * and each damaged node's broker log has a line {@code action=repair-from-peers} naming the damaged group
 * directory.
 */
@Tag("integration")
class CorruptRunIntegrationTest {
  private static final String NAME = "ccor";
  private static final Cidr SUBNET = Cidr.parse("198.18.121.0/24");
  private static final Pattern START = Pattern.compile(
      ":type :info :process :nemesis :f :start-corrupt :value\\s*\"killed=(n\\d) corrupt=([^\"]*)\"");
  private static final Pattern FLIP = Pattern.compile("flip file=(\\S+) offset=(\\d+) size=(\\d+) byte=(\\d+)->(\\d+)");
  private static final Pattern TRUNCATE = Pattern.compile(
      "truncate file=(\\S+) bytes=(\\d+) size-was=(\\d+) size=(\\d+) size-now=(\\d+)");

  @TempDir Path runs;

  @Test
  void damagedFilesChangedOnDiskTheRunIsValidReplicasAgreeAndTheNodeRepairedTheGroupFromItsPeers() throws Exception {
    Prerequisites.requireLab();
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-ccor-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-ccor-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      Inventory inventory = lab.up(3, SUBNET);
      Map<String, String> seenOnDisk = new ConcurrentHashMap<>();
      Thread watcher = new Thread(() -> watch(inventory, seenOnDisk), "corrupt-watcher");
      watcher.setDaemon(true);
      watcher.start();
      ChronikProcess.Run run;
      try {
        // seed 2 draws corrupt twice in 20 s, both after closed segments exist
        run = ChronikProcess.run(runs, Duration.ofMinutes(4), "test", "--hosts", "lab:3", "--lab-dir", dir.toString(),
            "--time", "20", "--faults", "corrupt", "--seed", "2");
      } finally {
        watcher.interrupt();
        watcher.join();
      }
      String console = run.console();
      System.out.println("corrupt lab run: exit=" + run.exitCode() + " run=" + run.dir() + " " + console.lines()
          .filter(l -> l.contains("verdict=") || l.contains("replicas ") || l.contains("configs=")).toList());
      assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
      assertThat(console).contains("verdict=VALID").contains("replicas agree").contains("configs={segment.bytes=2048}");

      List<String[]> damages = damages(Files.readString(run.dir().resolve("history.edn")));
      assertThat(damages).as("corrupt put in place and something damaged").isNotEmpty();
      for (String[] d : damages) {
        String node = d[0];
        String damage = d[1];
        System.out.println("corrupt lab run: " + node + " " + damage + " on-disk: " + seenOnDisk.get(node + " " + damage));
        assertThat(seenOnDisk).as("the watcher read %s's damaged file while it was down: %s", node, damage)
            .containsKey(node + " " + damage);
        assertThat(seenOnDisk.get(node + " " + damage)).as("on disk for %s", damage).startsWith("changed");
        String file = fileOf(damage);
        String group = file.substring(0, file.lastIndexOf('/'));
        String groupName = group.substring(group.lastIndexOf('/') + 1);
        String log = Files.readString(run.dir().resolve("nodes").resolve(node).resolve("logs").resolve("chronik.log"));
        assertThat(log.lines().filter(l -> l.contains("action=repair-from-peers") && l.contains(groupName)).toList())
            .as("%s's log names the repair of %s from its peers; its lines naming the group after the restart: %s", node,
                group, log.lines().filter(l -> l.contains(groupName) && l.contains("reason=")).limit(10).toList())
            .isNotEmpty();
      }
      assertThat(Files.readString(run.dir().resolve("report.html")))
          .as("the fault table names the node (after the damage's seed, as clock faults show their offset)")
          .containsPattern("<td>corrupt</td><td>damage-seed=-?\\d+: n\\d</td>");
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(dir).doesNotExist();
  }

  /** Each {@code [node, damage]} the history's corrupt starts recorded, "none" (nothing eligible) left out. */
  private static List<String[]> damages(String history) {
    List<String[]> out = new ArrayList<>();
    Matcher m = START.matcher(history);
    while (m.find()) {
      if (!m.group(2).startsWith("none")) {
        out.add(new String[] {m.group(1), m.group(2)});
      }
    }
    return out;
  }

  private static String fileOf(String damage) {
    Matcher flip = FLIP.matcher(damage);
    if (flip.find()) {
      return flip.group(1);
    }
    Matcher cut = TRUNCATE.matcher(damage);
    assertThat(cut.find()).as("damage %s", damage).isTrue();
    return cut.group(1);
  }

  /**
   * Until interrupted: reads the run's history as it grows; for each corrupt start not yet seen, reads
   * the damaged file on the lab host's disk (lab homes are on this machine) and records what it found
   * under {@code "<node> <damage>"}.
   */
  private void watch(Inventory inventory, Map<String, String> seen) {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Path history = historyFile();
        if (history != null) {
          for (String[] d : damages(Files.readString(history))) {
            seen.computeIfAbsent(d[0] + " " + d[1], k -> onDisk(inventory.host(d[0]), d[1]));
          }
        }
      } catch (IOException e) {
        // the history caught mid-write (a line cut inside a character): read it again next round
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Path historyFile() throws IOException {
    try (Stream<Path> dirs = Files.list(runs)) {
      return dirs.filter(Files::isDirectory).map(d -> d.resolve("history.edn")).filter(Files::exists).findFirst()
          .orElse(null);
    }
  }

  /** {@code changed ...} when the file on disk holds what the fault says it wrote, else what was found. */
  private static String onDisk(Host host, String damage) {
    Matcher flip = FLIP.matcher(damage);
    Matcher cut = TRUNCATE.matcher(damage);
    try {
      if (flip.find()) {
        Path file = Path.of(host.homeDir(), "data", flip.group(1));
        long offset = Long.parseLong(flip.group(2));
        int was = Integer.parseInt(flip.group(4));
        int now;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
          f.seek(offset);
          now = f.read();
        }
        boolean changed = now == 255 - was && Files.size(file) == Long.parseLong(flip.group(3));
        return (changed ? "changed" : "unchanged") + " byte-at-" + offset + "=" + now + " was=" + was;
      }
      if (cut.find()) {
        Path file = Path.of(host.homeDir(), "data", cut.group(1));
        long size = Files.size(file);
        boolean changed = size == Long.parseLong(cut.group(4)) && size < Long.parseLong(cut.group(3));
        return (changed ? "changed" : "unchanged") + " size=" + size + " size-was=" + cut.group(3);
      }
      return "unparsed " + damage;
    } catch (IOException e) {
      return "unreadable " + e;
    }
  }
}
