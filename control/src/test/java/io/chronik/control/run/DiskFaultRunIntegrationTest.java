package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk faults on one 3-node lab shared by the class, seen from outside the brokers: {@code disk-eio}
 * on the leader of partition 0 makes that node fence itself (its broker process is gone when the fault
 * heals, its log says {@code reason=storage-failed action=halt exit=74}, Kafka metadata names another
 * leader meanwhile and sends are acknowledged there), and the run is VALID after the node was restarted.
 * {@code disk-full} on every node (soak: a second run) acknowledges no send invoked while every disk is
 * full, and the run is VALID once space is back and the halted nodes were restarted.
 */
@Tag("integration")
class DiskFaultRunIntegrationTest {
  private static final String NAME = "dskf";
  private static final Cidr SUBNET = Cidr.parse("198.18.117.0/24");
  private static final Pattern NEMESIS = Pattern.compile(
      "\\{:index (\\d+) [^}]*:type :(invoke|info) :process :nemesis :f :(start|stop)-(disk-\\w+) :value\\s*\"?([^\"}]*)");
  private static final Pattern SEND = Pattern.compile("\\{:index (\\d+) [^}]*:type :(invoke|ok|fail|info) :process (\\d+) :f :send ");

  private static Path dir;
  private static Lab lab;

  @TempDir Path runs;

  @BeforeAll
  static void labUp() throws Exception {
    Prerequisites.requireLab();
    Prerequisites.require(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
    Prerequisites.require(LocalCommand.run("sh", "-c", "command -v fusermount").ok(), "fusermount missing (apt-get install fuse3 libfuse2)");
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-dskf-", NAME);
    dir = Path.of("/var/tmp/chronik-lab-dskf-" + ProcessHandle.current().pid());
    lab = new Lab(dir, NAME);
    lab.up(3, SUBNET);
  }

  @AfterAll
  static void labDown() throws Exception {
    if (lab == null) {
      return;
    }
    lab.down();
    assertThat(LocalCommand.run("ip", "netns", "list").stdout().lines()).noneMatch(l -> l.startsWith(NAME + "-"));
    assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(dir.toString());
    assertThat(dir).doesNotExist();
  }

  @Test
  void diskEioOnTheLeaderFencesItAnotherNodeLeadsAndAcksAndTheRunIsValid() throws Exception {
    // seed 3 draws two disk-eio windows in 12 s
    ChronikProcess.Run run = run("disk-eio", "12", "3");
    String history = Files.readString(run.dir().resolve("history.edn"));
    List<Window> windows = windows(history);
    assertThat(windows).as("disk-eio put in place and healed; history nemesis lines").isNotEmpty();
    for (Window w : windows) {
      Matcher target = Pattern.compile("disk-errors=eio nodes=\\[(n\\d)]").matcher(w.started());
      assertThat(target.matches()).as("start value %s", w.started()).isTrue();
      String fenced = target.group(1);
      Matcher heal = Pattern.compile("disk-errors=off fenced=\\[(n\\d)] leader-while-fenced=(n\\d) restarted=\\[(n\\d)]")
          .matcher(w.stopped());
      assertThat(heal.matches()).as("the leader fenced itself (its broker had exited); heal value %s", w.stopped()).isTrue();
      assertThat(heal.group(1)).isEqualTo(fenced);
      assertThat(heal.group(2)).as("Kafka metadata names another leader while %s is fenced", fenced).isNotEqualTo(fenced);
      assertThat(acksInvokedAndDoneWithin(history, w)).as("clients moved on: sends acknowledged while %s was fenced", fenced)
          .isPositive();
      assertThat(Files.readString(run.dir().resolve("nodes").resolve(fenced).resolve("logs").resolve("chronik.log")))
          .contains("reason=storage-failed action=halt exit=74").contains("Input/output error");
    }
  }

  @Test
  @Tag("soak")
  void diskFullOnEveryNodeAcknowledgesNothingWhileFullAndTheRunIsValidOnceSpaceIsBack() throws Exception {
    ChronikProcess.Run run = run("disk-full", "15", "3");
    String history = Files.readString(run.dir().resolve("history.edn"));
    List<Window> windows = windows(history);
    assertThat(windows).isNotEmpty();
    for (Window w : windows) {
      assertThat(w.started()).matches("disk-errors=enospc nodes=\\[n\\d, n\\d, n\\d]");
      assertThat(w.stopped()).matches("disk-errors=off fenced=\\[[n\\d, ]*] restarted=\\[[n\\d, ]*]");
      assertThat(acksInvokedAndDoneWithin(history, w)).as("no send invoked while every disk is full is acknowledged").isZero();
    }
    assertThat(windows).as("some node halted on ENOSPC and was restarted (a node that wrote nothing keeps running)")
        .anyMatch(w -> !w.stopped().contains("fenced=[]"));
    StringBuilder logs = new StringBuilder();
    for (String node : List.of("n1", "n2", "n3")) {
      logs.append(Files.readString(run.dir().resolve("nodes").resolve(node).resolve("logs").resolve("chronik.log")));
    }
    assertThat(logs).contains("reason=storage-failed action=halt exit=74 graceMs=100 cause=java.io.IOException: No space left on device");
  }

  private ChronikProcess.Run run(String fault, String seconds, String seed) throws Exception {
    ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(5), "test", "--hosts", "lab:3", "--lab-dir",
        dir.toString(), "--time", seconds, "--faults", fault, "--seed", seed);
    String console = run.console();
    System.out.println(fault + " lab run: exit=" + run.exitCode() + " run=" + run.dir() + " " + console.lines()
        .filter(l -> l.contains("verdict=") || l.contains("replicas ")).toList());
    assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
    assertThat(console).contains("verdict=VALID").contains("installed data=lazyfs").contains("replicas agree");
    return run;
  }

  /** One fault window: the index of its start's :info (errors on everywhere) and of its stop's :invoke. */
  private record Window(long from, long to, String started, String stopped) {}

  private static List<Window> windows(String history) {
    List<Window> out = new java.util.ArrayList<>();
    long from = -1;
    long to = -1;
    String started = null;
    for (String line : history.lines().toList()) {
      Matcher m = NEMESIS.matcher(line);
      if (!m.find()) {
        continue;
      }
      boolean start = m.group(3).equals("start");
      boolean info = m.group(2).equals("info");
      if (start && info) {
        from = Long.parseLong(m.group(1));
        started = m.group(5);
      } else if (!start && !info) {
        to = Long.parseLong(m.group(1));
      } else if (!start && started != null) {
        out.add(new Window(from, to, started, m.group(5)));
        started = null;
      }
    }
    return out;
  }

  /** Sends invoked after the window's start and acknowledged before its stop began. */
  private static int acksInvokedAndDoneWithin(String history, Window w) {
    Map<String, Long> invokedAt = new HashMap<>();
    int acks = 0;
    for (String line : history.lines().toList()) {
      Matcher m = SEND.matcher(line);
      if (!m.find()) {
        continue;
      }
      long index = Long.parseLong(m.group(1));
      if (m.group(2).equals("invoke")) {
        invokedAt.put(m.group(3), index);
      } else if (m.group(2).equals("ok") && index < w.to() && invokedAt.getOrDefault(m.group(3), -1L) > w.from()) {
        acks++;
      }
    }
    return acks;
  }
}
