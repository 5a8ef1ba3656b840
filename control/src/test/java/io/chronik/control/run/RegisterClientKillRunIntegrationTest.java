package io.chronik.control.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code chronik test --workload register --faults client-kill} against a local 3-broker cluster,
 * judged from outside the run: a watcher samples the run's descendant processes (pids and command
 * lines from {@code /proc}) while it goes, so each killed register client is seen running under its
 * name and then gone from {@code /proc} before its replacement appears; in the history the killed
 * client's pending read or write is {@code :info} (never {@code :ok} or {@code :fail}) and its Jepsen
 * process never appears again; the linearizability checker still decides the history: valid.
 */
@Tag("integration")
class RegisterClientKillRunIntegrationTest {
  private static final String CLIENT_MAIN = "io.chronik.control.workload.client.ClientMain";
  private static final Pattern KILLED = Pattern.compile(
      "(r\\d+) pid=(\\d+) exit=(\\d+) process=(\\d+)->(\\d+) in-flight=([a-z]+)");

  /** A client process as the watcher saw it: its client name and when it was first and last seen. */
  private record Seen(String client, long firstNanos, long lastNanos) {
    Seen seenAgain(long now) {
      return new Seen(client, firstNanos, now);
    }
  }

  /** Samples the run's register client processes every 20 ms until the run ends. */
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

    /** The register client a process runs as, from its command line in /proc. */
    private static Optional<String> client(ProcessHandle p) {
      List<String> args;
      try {
        args = List.of(Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).split("\0"));
      } catch (java.io.IOException e) {
        return Optional.empty(); // gone meanwhile
      }
      if (!args.contains(CLIENT_MAIN) || !args.contains("role=register")) {
        return Optional.empty();
      }
      return args.stream().filter(a -> a.startsWith("name=")).map(a -> a.substring(5)).findFirst();
    }
  }

  @Test
  void killedRegisterClientsAreGoneTheirPendingOpsAreInfoAndTheHistoryIsLinearizable(@TempDir Path runs)
      throws Exception {
    Watcher watcher = new Watcher();
    ChronikProcess.Run run = ChronikProcess.run(runs, Duration.ofMinutes(2), watcher::watch, "test", "--workload",
        "register", "--time", "12", "--seed", "5", "--clients", "3", "--faults", "client-kill");
    assertThat(run.exitCode()).as("exit code is the verdict (0 valid); console:%n%s", run.console()).isZero();
    assertThat(run.console()).contains("final reads complete").contains("VALID");
    List<String> history = Files.readAllLines(run.dir().resolve("history.edn"));
    assertThat(history).as("register ops only, no :crash").noneMatch(l -> l.contains(":f :crash"))
        .anyMatch(l -> l.contains(":type :ok") && l.contains(":f :write"));

    List<String> kills = history.stream().filter(l -> l.contains(":type :info :process :nemesis :f :start-client-kill"))
        .toList();
    assertThat(kills).as("the nemesis killed register clients").isNotEmpty();
    assertThat(history.stream().filter(l -> l.contains(":type :info :process :nemesis :f :stop-client-kill")))
        .as("every killed client restarted").hasSameSizeAs(kills).allMatch(l -> l.matches(".*started=\\[r\\d+ pid=.*"));
    int inFlight = 0;
    for (String kill : kills) {
      Matcher killed = KILLED.matcher(kill);
      assertThat(killed.find()).as("kill recorded with its target: %s", kill).isTrue();
      assertProcessDied(watcher, killed);
      inFlight += assertPendingOpIndeterminate(history, killed) ? 1 : 0;
    }
    assertThat(inFlight).as("a kill caught a read or write in flight: %s", kills).isPositive();
    assertThat(Files.readString(run.dir().resolve("results.edn"))).contains(":valid? true").contains(":fault \"client-kill\"");
    assertThat(run.dir().resolve("clients").resolve("r1.log")).as("client processes' logs").isNotEmptyFile();
  }

  /** The killed pid ran as that client, died of SIGKILL and is gone from /proc before a new process of it appeared. */
  private static void assertProcessDied(Watcher watcher, Matcher killed) {
    String client = killed.group(1);
    long pid = Long.parseLong(killed.group(2));
    assertThat(killed.group(3)).as("%s died of SIGKILL (128+9)", client).isEqualTo("137");
    Seen old = watcher.seen.get(pid);
    assertThat(old).as("pid %d seen running as client %s; seen: %s", pid, client, watcher.seen).isNotNull();
    assertThat(old.client()).isEqualTo(client);
    assertThat(Path.of("/proc", Long.toString(pid))).as("killed pid %d is gone", pid).doesNotExist();
    assertThat(watcher.seen.values()).as("a new process of %s appeared after the killed one vanished", client)
        .anySatisfy(s -> {
          assertThat(s.client()).isEqualTo(client);
          assertThat(s.firstNanos()).isGreaterThan(old.lastNanos());
        });
  }

  /**
   * The killed client's in-flight op: invoked, then completed only {@code :info} with the kill as its
   * error, and its process never appears again. Returns false when nothing was in flight (then nothing
   * is recorded and the client keeps its process).
   */
  private static boolean assertPendingOpIndeterminate(List<String> history, Matcher killed) {
    long pid = Long.parseLong(killed.group(2));
    String oldProcess = ":process " + killed.group(4) + " ";
    String f = killed.group(6);
    int settled = -1;
    for (int i = 0; i < history.size(); i++) {
      if (history.get(i).contains("client-killed pid=" + pid + "\"")) {
        settled = i;
      }
    }
    if (f.equals("none")) {
      assertThat(settled).as("pid %d killed between ops: nothing recorded", pid).isNegative();
      assertThat(killed.group(5)).as("and the client keeps its process").isEqualTo(killed.group(4));
      return false;
    }
    assertThat(f).isIn("read", "write");
    assertThat(settled).as("the killed client's %s is settled in the history", f).isPositive();
    assertThat(history.get(settled)).contains(":type :info " + oldProcess + ":f :" + f + " ");
    int invoked = settled - 1;
    while (invoked >= 0 && !history.get(invoked).contains(oldProcess)) {
      invoked--;
    }
    assertThat(history.get(invoked)).as("the op's last line before it settled is its invocation")
        .contains(":type :invoke " + oldProcess + ":f :" + f + " ");
    assertThat(history.subList(settled + 1, history.size())).as("never :ok or :fail, and the process never invokes again")
        .noneMatch(l -> l.contains(oldProcess));
    assertThat(Long.parseLong(killed.group(5))).as("the restart is a new Jepsen process")
        .isGreaterThan(Long.parseLong(killed.group(4)));
    return true;
  }
}
