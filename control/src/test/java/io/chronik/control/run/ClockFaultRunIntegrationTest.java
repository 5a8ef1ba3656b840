package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.db.FakeClock;
import io.chronik.control.host.Cidr;
import io.chronik.control.lab.Lab;
import io.chronik.control.lab.LocalCommand;
import io.chronik.control.lab.Prerequisites;
import io.chronik.control.lab.StaleTestLabs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clock faults on one 3-node lab, seen from outside the brokers: each fault's start records what
 * the target broker's own wall clock read (its admin server's {@code Date} header against this
 * machine's clock), so the history shows the broker read the skewed, jumped or strobing clock while
 * the host's clock stayed put, and read +0 again once healed; the run is VALID.
 */
@Tag("integration")
class ClockFaultRunIntegrationTest {
  private static final String NAME = "cclk";
  private static final Cidr SUBNET = Cidr.parse("198.18.118.0/24");
  private static final Pattern NEMESIS = Pattern.compile(
      ":type :info :process :nemesis :f :(start|stop)-(clock-\\w+) :value\\s*\"([^\"]*)\"");
  /** One node's answer to a set: {@code n2: offset=+137 broker-clock=+137}. */
  private static final Pattern SET = Pattern.compile("(n\\d): offset=([+-]\\d+) broker-clock=([+-]\\d+)");
  private static final Pattern STROBE = Pattern.compile(
      "clock-strobe=\\+0/([+-]\\d+) .*applied=\\[(n\\d): strobe-pid=\\d+ broker-clock-seen=\\[([^\\]]*)]");

  private static Path dir;
  private static Lab lab;

  @TempDir Path runs;

  @BeforeAll
  static void labUp() throws Exception {
    Prerequisites.requireLab();
    Prerequisites.require(FakeClock.problem() == null, "libfaketime missing: " + FakeClock.problem());
    ChronikProcess.assumePackaged();
    StaleTestLabs.removeOrphans("chronik-lab-cclk-", NAME);
    dir = Path.of("/var/tmp/chronik-lab-cclk-" + ProcessHandle.current().pid());
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
    assertThat(dir).doesNotExist();
  }

  @Test
  void eachBrokerReadsItsSkewedJumpedOrStrobingClockAndPlusZeroWhenHealedAndTheRunIsValid() throws Exception {
    // seed 0 draws each once: clock-jump +10918 s at 4-8 s, clock-strobe +0/+96 every 124 ms at 13-16 s, clock-skew +153 s at 19-20 s
    ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(4), "test", "--hosts", "lab:3", "--lab-dir",
        dir.toString(), "--time", "20", "--faults", "clock-skew,clock-jump,clock-strobe", "--seed", "0");
    String console = run.console();
    System.out.println("clock lab run: exit=" + run.exitCode() + " run=" + run.dir() + " " + console.lines()
        .filter(l -> l.contains("verdict=") || l.contains("libfaketime")).toList());
    assertThat(run.exitCode()).as("VALID; console:%n%s", console).isZero();
    assertThat(console).contains("verdict=VALID").contains("brokers under libfaketime").contains("refresh=every-read");
    List<String[]> values = values(Files.readString(run.dir().resolve("history.edn")));
    assertThat(values.stream().map(v -> v[0] + "-" + v[1]).toList()).as("each clock fault put in place and healed")
        .contains("start-clock-jump", "stop-clock-jump", "start-clock-strobe", "stop-clock-strobe", "start-clock-skew",
            "stop-clock-skew");
    for (String[] v : values) {
      System.out.println("clock lab run: " + v[0] + "-" + v[1] + " " + v[2]);
      if (v[0].equals("start") && v[1].equals("clock-strobe")) {
        assertStrobeSeen(v[2]);
      } else {
        assertSetSeen(v[2], v[0].equals("stop"));
      }
    }
  }

  /** Each node's broker read (within the Date header's second) the offset written, +0 on a heal. */
  private static void assertSetSeen(String value, boolean heal) {
    Matcher m = SET.matcher(value);
    int answers = 0;
    while (m.find()) {
      answers++;
      long written = Long.parseLong(m.group(2).replace("+", ""));
      long read = Long.parseLong(m.group(3).replace("+", ""));
      assertThat(read).as("%s's broker clock in %s", m.group(1), value).isBetween(written - 1, written + 1);
      if (heal) {
        assertThat(written).as(value).isZero();
      }
    }
    assertThat(answers).as("a node's answer in %s", value).isPositive();
  }

  /** While the strobe ran the broker read both the real time and the offset. */
  private static void assertStrobeSeen(String value) {
    Matcher m = STROBE.matcher(value);
    assertThat(m.find()).as("strobe value %s", value).isTrue();
    long offset = Long.parseLong(m.group(1).replace("+", ""));
    List<Long> seen = new ArrayList<>();
    for (String s : m.group(3).split(",")) {
      seen.add(Long.parseLong(s.replace("+", "")));
    }
    assertThat(seen).as("%s read the real clock; %s", m.group(2), value).anyMatch(s -> Math.abs(s) <= 1);
    assertThat(seen).as("%s read the offset; %s", m.group(2), value).anyMatch(s -> Math.abs(s - offset) <= 1);
  }

  /** Every clock fault's :info value: {start|stop, fault, value}. */
  private static List<String[]> values(String history) {
    List<String[]> out = new ArrayList<>();
    Matcher m = NEMESIS.matcher(history);
    while (m.find()) {
      out.add(new String[] {m.group(1), m.group(2), m.group(3)});
    }
    return out;
  }
}
