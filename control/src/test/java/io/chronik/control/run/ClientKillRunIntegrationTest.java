package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chronik test --faults client-kill} against a local 3-broker cluster, judged from outside the
 * run: a watcher samples the run's descendant processes (their pids and command lines) while it goes,
 * so the killed client's pid is seen to vanish and a new process for the same client to appear; the
 * history must hold the killed client's operation as {@code :info} (a crashed client never invokes
 * again, its restart is a new Jepsen process), consumers subscribe as one group, and the run is valid.
 */
@Tag("integration")
class ClientKillRunIntegrationTest {
  private static final String CLIENT_MAIN = "io.chronik.control.workload.client.ClientMain";
  private static final Pattern KILLED = Pattern.compile(
      "(\\w+) pid=(\\d+) exit=(\\d+) process=(\\d+)->(\\d+) in-flight=([a-z]+)");

  /** A client process as the watcher saw it: its client name and when it was first and last seen. */
  private record Seen(String client, long firstNanos, long lastNanos) {
    Seen seenAgain(long now) {
      return new Seen(client, firstNanos, now);
    }
  }

  /** Samples the run's client processes every 20 ms until the run ends. */
  private static final class Watcher {
    final Map<Long, Seen> seen = new ConcurrentHashMap<>();

    void watch(ProcessHandle run) {
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "client-watcher");
        t.setDaemon(true);
        return t;
      });
      // a sample every 20 ms on a fixed-rate schedule, until the run's process has exited
      sampler.scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        run.descendants().forEach(p -> client(p).ifPresent(name ->
            seen.merge(p.pid(), new Seen(name, now, now), (old, fresh) -> old.seenAgain(now))));
      }, 0, 20, TimeUnit.MILLISECONDS);
      run.onExit().thenRun(sampler::shutdownNow);
    }

    /** The client a process runs as, from its command line (ProcessHandle.Info drops long ones, so /proc). */
    private static Optional<String> client(ProcessHandle p) {
      List<String> args;
      try {
        args = List.of(Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).split("\0"));
      } catch (java.io.IOException e) {
        return Optional.empty(); // gone meanwhile
      }
      if (!args.contains(CLIENT_MAIN)) {
        return Optional.empty();
      }
      return args.stream().filter(a -> a.startsWith("name=")).map(a -> a.substring(5)).findFirst();
    }
  }

  @Test
  void killedClientProcessesAreGoneTheirRestartsAreNewProcessesAndTheRunIsValid(@TempDir Path runs) throws Exception {
    Watcher watcher = new Watcher();
    ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(3), watcher::watch, "test", "--time", "15",
        "--seed", "3", "--faults", "client-kill", "--consumers", "2", "--consumer-mode", "subscribe");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    assertThat(run.console()).contains("final reads complete").contains("VALID");
    List<String> history = Files.readAllLines(run.dir().resolve("history.edn"));
    assertThat(history).as("consumers joined the group").anyMatch(l -> l.contains(":type :ok") && l.contains(":f :subscribe"));

    List<String> kills = history.stream().filter(l -> l.contains(":type :info :process :nemesis :f :start-client-kill"))
        .toList();
    assertThat(kills).as("the nemesis killed clients").isNotEmpty();
    List<String> restarts = history.stream()
        .filter(l -> l.contains(":type :info :process :nemesis :f :stop-client-kill")).toList();
    assertThat(restarts).as("every killed client restarted").hasSameSizeAs(kills);
    int restartsThatInvoked = 0;
    for (int i = 0; i < kills.size(); i++) {
      Matcher killed = KILLED.matcher(kills.get(i));
      assertThat(killed.find()).as("kill recorded with its target: %s", kills.get(i)).isTrue();
      restartsThatInvoked += assertKilledAndReplaced(watcher, history, killed, restarts.get(i)) ? 1 : 0;
    }
    // a restart by the last heal may be told to stop before its first operation: the others work
    assertThat(restartsThatInvoked).as("restarted clients at work under their new process ids").isPositive();
    assertThat(Files.readString(run.dir().resolve("report.html"))).containsPattern("<td>client-kill</td><td>[pc]\\d</td>");
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? true").contains(":fault \"client-kill\"");
  }

  /** Asserts one kill and its restart; returns whether the restarted client invoked anything. */
  private static boolean assertKilledAndReplaced(Watcher watcher, List<String> history, Matcher killed,
      String restart) {
    String client = killed.group(1);
    long pid = Long.parseLong(killed.group(2));
    long oldProcess = Long.parseLong(killed.group(4));
    long newProcess = Long.parseLong(killed.group(5));
    assertThat(killed.group(3)).as("%s died of SIGKILL (128+9)", client).isEqualTo("137");
    Seen old = watcher.seen.get(pid);
    assertThat(old).as("pid %d seen running as client %s; seen: %s", pid, client, watcher.seen).isNotNull();
    assertThat(old.client()).isEqualTo(client);
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("killed pid %d is gone", pid).isEmpty();

    Matcher started = Pattern.compile(client + " pid=(\\d+) process=(\\d+)").matcher(restart);
    assertThat(started.find()).as("restart of %s recorded: %s", client, restart).isTrue();
    long newPid = Long.parseLong(started.group(1));
    assertThat(newPid).isNotEqualTo(pid);
    assertThat(Long.parseLong(started.group(2))).as("the restart is the new Jepsen process").isEqualTo(newProcess);
    Seen fresh = watcher.seen.get(newPid);
    assertThat(fresh).as("new process %d of %s seen", newPid, client).isNotNull();
    assertThat(fresh.client()).isEqualTo(client);
    assertThat(old.lastNanos()).as("the killed process vanished before its replacement appeared")
        .isLessThan(fresh.firstNanos());

    int settled = indexOf(history, ":type :info :process " + oldProcess + " ", "client-killed pid=" + pid + "\"");
    assertThat(settled).as("the killed client's in-flight op (or its crash) is :info in the history").isPositive();
    List<String> after = new ArrayList<>(history.subList(settled + 1, history.size()));
    assertThat(after).as("a crashed process never invokes again")
        .noneMatch(l -> l.contains(":process " + oldProcess + " "));
    return after.stream().anyMatch(l -> l.contains(":type :invoke :process " + newProcess + " "));
  }

  private static int indexOf(List<String> history, String op, String error) {
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).contains(op) && history.get(i).contains(error)) {
        return i;
      }
    }
    return -1;
  }
}
