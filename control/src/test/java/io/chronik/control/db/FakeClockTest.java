package io.chronik.control.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.control.host.Cidr;
import io.chronik.control.host.Host;
import io.chronik.control.host.ServiceManager;
import io.chronik.control.lab.LocalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FakeClockTest {
  private static final DbSpec SPEC = new DbSpec("chronik", List.of(), "java -cp @HOME@/lib/* Main", 9092,
      Map.of("broker.properties", "x=1\n"));

  @Test
  void wrapStartsTheServerUnderLibfaketimeWithRealMonotonicTimeAndAPlusZeroFile() {
    DbSpec second = FakeClock.wrap(SPEC, FakeClock.Refresh.SECOND);
    assertThat(second.command()).isEqualTo("env LD_PRELOAD=" + FakeClock.LIBRARY
        + " FAKETIME_TIMESTAMP_FILE=@HOME@/conf/faketime FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0"
        + " FAKETIME_CACHE_DURATION=1"
        + " java -cp @HOME@/lib/* Main");
    assertThat(second.configFiles()).containsEntry("faketime", "+0\n").containsEntry("broker.properties", "x=1\n");
    assertThat(FakeClock.wrap(SPEC, FakeClock.Refresh.EVERY_READ).command()).contains(" FAKETIME_NO_CACHE=1 ")
        .doesNotContain("CACHE_DURATION");
    assertThat(second.name()).isEqualTo("chronik");
    assertThat(second.port()).isEqualTo(9092);
  }

  @Test
  void offsetsAreSignedSeconds() {
    assertThat(FakeClock.offset(137)).isEqualTo("+137");
    assertThat(FakeClock.offset(-45)).isEqualTo("-45");
    assertThat(FakeClock.offset(0)).isEqualTo("+0");
  }

  /**
   * The host-side shell, run here by sh as SSH would run it on a lab host: the loop flips the file
   * between the two offsets, and a set stops it (its whole process group, waited for) before writing,
   * so nothing overwrites the offset written last.
   */
  @Test
  void theStrobeLoopFlipsTheFileAndASetStopsItForGood(@TempDir Path home) throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.createDirectories(home.resolve("run"));
    Host host = new Host("n1", Cidr.parseLiteral("198.18.110.11"), "root", 22, Optional.empty(), Optional.empty(), false,
        ServiceManager.PIDFILE, home.toString(), Optional.empty());
    Path file = home.resolve("conf").resolve("faketime");
    assertThat(sh(FakeClock.setCommand(host, 0))).isEqualTo("+0");
    String pid = sh(FakeClock.strobeCommand(host, 0, -42, 50));
    assertThat(pid).matches("\\d+");
    assertThat(offsetsWritten(file, 2, Duration.ofSeconds(2))).as("offsets read while the loop runs")
        .containsExactlyInAnyOrder("+0", "-42");
    assertThat(sh(FakeClock.setCommand(host, 137))).isEqualTo("+137");
    assertThat(goneOrZombie(pid)).as("loop pid=%s stopped", pid).isTrue();
    assertThat(home.resolve("run").resolve("clock-strobe.pid")).doesNotExist();
    assertThat(liveMembersOfGroup(pid)).as("no process of the loop's group is left to write").isEmpty();
    assertThat(Files.readString(file)).isEqualTo("+137\n");
    assertThat(sh(FakeClock.setCommand(host, 0))).as("a set with no loop running").isEqualTo("+0");
  }

  /**
   * The distinct contents {@code file} held after each rename into its directory, until {@code count} were seen or
   * {@code timeout} passed (the loop writes by rename, so every write is one directory event).
   */
  private static Set<String> offsetsWritten(Path file, int count, Duration timeout) throws Exception {
    Set<String> seen = new HashSet<>();
    long end = System.nanoTime() + timeout.toNanos();
    try (WatchService watch = file.getFileSystem().newWatchService()) {
      file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      seen.add(Files.readString(file).strip());
      while (seen.size() < count) {
        WatchKey key = watch.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (key == null) {
          break;
        }
        key.pollEvents();
        seen.add(Files.readString(file).strip());
        key.reset();
      }
    }
    return seen;
  }

  /** Pids of processes (zombies aside) whose process group is {@code pgid}. */
  private static List<String> liveMembersOfGroup(String pgid) throws java.io.IOException {
    List<String> members = new java.util.ArrayList<>();
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        try {
          String stat = Files.readString(proc.resolve("stat"));
          String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (!after[0].equals("Z") && after[2].equals(pgid)) { // state, ppid, pgrp
            members.add(proc.getFileName().toString());
          }
        } catch (java.io.IOException | RuntimeException notAProcessOrGone) {
          // not a pid directory, or the process ended meanwhile
        }
      }
    }
    return members;
  }

  /** Orphans are reaped by this machine's init, which may never do it: a zombie is stopped too. */
  private static boolean goneOrZombie(String pid) throws java.io.IOException {
    Path stat = Path.of("/proc", pid, "stat");
    return !Files.exists(stat) || Files.readString(stat).matches("(?s)\\d+ \\(.*\\) Z .*");
  }

  private static String sh(String command) {
    LocalCommand.Result r = LocalCommand.run("sh", "-c", command);
    assertThat(r.ok()).as("exit=%d stderr=%s command=%s", r.exitCode(), r.stderr(), command).isTrue();
    return r.stdout().strip();
  }
}
