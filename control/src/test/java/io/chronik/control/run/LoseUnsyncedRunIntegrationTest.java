package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.Inventory;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --hosts lab:3 --faults lose-unsynced,lose-unsynced-all}: every broker's data dir
 * is a lazyfs mount, the power cuts are put in place on the nodes drawn (each answering what it kept),
 * the run is checked to a verdict (with the replica agreement when the cluster recovered), and nothing is
 * left mounted or running.
 *
 * <p>The run must be VALID: before the broker synced the parents of the directories it creates
 * ({@code data/raft}, group directories; docs/STORAGE.md), this very seed lost whole partition logs and was
 * judged invalid — the finding this fault was built for.
 */
@Tag("integration")
class LoseUnsyncedRunIntegrationTest {
  private static final String NAME = "clus";
  private static final Cidr SUBNET = Cidr.parse("198.18.103.0/24");

  @TempDir Path runs;

  @Test
  void powerCutsOfOneAndOfEveryNodeRunOnLazyDataDirsAndTheRunIsChecked() throws Exception {
    Prerequisites.requireLab();
    Prerequisites.require(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
    Prerequisites.require(LocalCommand.run("sh", "-c", "command -v fusermount").ok(), "fusermount missing (apt-get install fuse3 libfuse2)");
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-clus-", NAME);
    Path dir = Path.of("/var/tmp/chronik-lab-clus-" + ProcessHandle.current().pid());
    Lab lab = new Lab(dir, NAME);
    try {
      Inventory inventory = lab.up(3, SUBNET);
      // seed 7 draws lose-unsynced-all twice, then lose-unsynced once, in 40 s
      ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(6), "test", "--hosts", "lab:3",
          "--lab-dir", dir.toString(), "--time", "40", "--faults", "lose-unsynced,lose-unsynced-all", "--seed", "7");
      String console = run.console();
      System.out.println("lose-unsynced lab run: exit=" + run.exitCode() + " " + console.lines()
          .filter(l -> l.contains("verdict=") || l.contains("replicas ") || l.contains("final reads")).toList());
      assertThat(run.exitCode()).as("VALID after power cuts; console:%n%s", console).isZero();
      assertThat(console).contains("verdict=VALID");
      assertThat(console).contains("installed data=lazyfs").containsPattern("replicas (agree|DIVERGE|not-checked)");
      assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":replica-agreement {");
      String history = Files.readString(run.dir().resolve("history.edn"));
      for (String fault : new String[] {"lose-unsynced", "lose-unsynced-all"}) {
        assertThat(history).as("%s put in place, each node answering what it kept", fault).containsPattern(
            ":type :info :process :nemesis :f :start-" + fault + " :value\\s*\"lost-unsynced=\\[n\\d:files=\\d+,directories=\\d+");
      }
      for (Host h : inventory.hosts()) {
        assertThat(Files.readString(run.dir().resolve("nodes").resolve(h.name()).resolve("logs").resolve("lazyfs.log")))
            .as("lazyfs ran on %s", h.name()).contains("chronik lazyfs mounted mount=" + h.homeDir() + "/data");
      }
    } finally {
      lab.down();
    }
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(dir.toString());
    // this lab's lazyfs processes only (their mount lies under its dir): another lab on the machine may run its own
    assertThat(LocalCommand.run("pgrep", "-f", "LazyFsCommand --backing lazyfs/live .*" + dir).ok())
        .as("no lazyfs process left").isFalse();
    assertThat(dir).doesNotExist();
  }
}
