package io.chronik.control.scenario;

import io.chronik.control.scenario.ScenarioHistory.Send;
import io.chronik.control.scenario.ScenarioHistory.Window;
import io.chronik.verifier.history.OpType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The claims scenarios check, each judged from the history: windows are the intervals a fault was
 * in place ({@link ScenarioHistory#windows}); an acknowledgement counts where the client saw it.
 */
public final class ScenarioChecks {
  /**
   * Acknowledgements already on their way when a fault's start completes may still arrive: this
   * much of a window's start is not judged by "nothing acknowledged" claims.
   */
  static final long IN_FLIGHT_NANOS = 500_000_000L;

  private ScenarioChecks() {}

  private record Check(String claim, Judge judge) implements ScenarioCheck {
    @Override
    public Result judge(ScenarioHistory history, Path runDir) throws java.io.IOException {
      return judge.judge(claim, history, runDir);
    }
  }

  @FunctionalInterface
  private interface Judge {
    ScenarioCheck.Result judge(String claim, ScenarioHistory h, Path runDir) throws java.io.IOException;
  }

  /** Every scheduled step was put in place without error (a scenario whose fault did not happen proves nothing). */
  public static ScenarioCheck faultsInPlace(int steps) {
    return new Check("every scheduled fault put in place", (claim, h, dir) -> {
      long placed = h.windows().stream().filter(w -> !w.failed()).count();
      return new ScenarioCheck.Result(claim, placed == steps, "faults-in-place=" + placed + "/" + steps);
    });
  }

  /** Every acknowledged send was read back at its offset with its value. */
  public static ScenarioCheck acknowledgedReadBack() {
    return new Check("every acknowledged write read back at its offset", (claim, h, dir) -> {
      List<Send> acked = h.acknowledged();
      long missing = acked.stream().filter(s -> !Long.valueOf(s.value()).equals(h.readAt(s.partition(), s.offset())))
          .count();
      return new ScenarioCheck.Result(claim, missing == 0 && !acked.isEmpty(),
          "acknowledged=" + acked.size() + " not-read-back=" + missing);
    });
  }

  /**
   * Writes to partition 0 (which the fault's target led) are acknowledged again within {@code maxMillis}
   * of the fault, while its target is still down: the time from the fault to the first acknowledgement
   * of a send invoked after it bounds the re-election from above.
   */
  public static ScenarioCheck writesResumeWithin(String fault, long maxMillis) {
    return new Check("partition 0 acknowledges writes again within " + maxMillis + " ms while its old leader is down",
        (claim, h, dir) -> {
          List<Window> windows = h.windows(fault);
          long worst = -1;
          for (Window w : windows) {
            long first = h.sends().stream().filter(s -> s.acknowledged() && s.partition() == 0
                && s.invokeNanos() >= w.startNanos() && s.completeNanos() <= w.healNanos())
                .mapToLong(Send::completeNanos).min().orElse(Long.MAX_VALUE);
            worst = Math.max(worst, first == Long.MAX_VALUE ? Long.MAX_VALUE : (first - w.startNanos()) / 1_000_000);
          }
          boolean passed = !windows.isEmpty() && worst <= maxMillis;
          return new ScenarioCheck.Result(claim, passed, "re-election-ms="
              + (worst == Long.MAX_VALUE ? "none-before-heal" : String.valueOf(worst)));
        });
  }

  /** In the second half of every window of {@code fault}, every partition acknowledged at least one write. */
  public static ScenarioCheck servesDuring(String fault, int partitions) {
    return new Check("every partition acknowledges writes during " + fault, (claim, h, dir) -> {
      List<Window> windows = h.windows(fault);
      long acks = 0;
      boolean every = !windows.isEmpty();
      for (Window w : windows) {
        long from = w.startNanos() + (w.healNanos() - w.startNanos()) / 2;
        Set<Long> served = new HashSet<>();
        for (Send s : h.acknowledged()) {
          if (s.invokeNanos() >= from && s.completeNanos() <= w.healNanos()) {
            served.add(s.partition());
            acks++;
          }
        }
        every &= served.size() == partitions;
      }
      return new ScenarioCheck.Result(claim, every, "acks-in-second-half=" + acks);
    });
  }

  /**
   * Split brain: every write acknowledged while {@code fault} was in place is on the log the majority
   * kept (read back at its offset with its value) and no two acknowledgements share an offset. A
   * leader cut off with a minority that acknowledged a write would have its entry overwritten by the
   * majority's new leader: a duplicate offset or a write not read back.
   */
  public static ScenarioCheck acknowledgedOnlyByMajority(String fault) {
    return new Check("writes acknowledged during " + fault + " are all on the majority's log", (claim, h, dir) -> {
      Set<String> offsets = new HashSet<>();
      long during = 0;
      long off = 0;
      long shared = 0;
      for (Send s : h.acknowledged()) {
        if (h.windows(fault).stream().anyMatch(w -> w.covers(s.completeNanos()))) {
          during++;
          shared += offsets.add(s.partition() + "/" + s.offset()) ? 0 : 1;
          off += Long.valueOf(s.value()).equals(h.readAt(s.partition(), s.offset())) ? 0 : 1;
        }
      }
      return new ScenarioCheck.Result(claim, off == 0 && shared == 0 && !h.windows(fault).isEmpty(),
          "acknowledged-during=" + during + " not-on-majority-log=" + off + " shared-offsets=" + shared);
    });
  }

  /** No write is acknowledged while {@code fault} holds the quorum down (after {@link #IN_FLIGHT_NANOS}). */
  public static ScenarioCheck nothingAcknowledgedWhile(String fault) {
    return new Check("no write acknowledged while " + fault + " holds the quorum down", (claim, h, dir) -> {
      List<Window> windows = h.windows(fault);
      long acked = h.acknowledged().stream().filter(s -> windows.stream().anyMatch(
          w -> s.completeNanos() >= w.startNanos() + IN_FLIGHT_NANOS && s.completeNanos() <= w.healNanos())).count();
      return new ScenarioCheck.Result(claim, acked == 0 && !windows.isEmpty(),
          "acknowledged-without-quorum=" + acked);
    });
  }

  /** No send failed or ended unknown. */
  public static ScenarioCheck noFailedSends() {
    return new Check("no send failed or timed out", (claim, h, dir) -> {
      long failed = h.sends().stream().filter(s -> s.type() != OpType.OK).count();
      return new ScenarioCheck.Result(claim, failed == 0, "failed-or-unknown-sends=" + failed);
    });
  }

  /** At least {@code min} writes acknowledged while {@code fault} held its target down. */
  public static ScenarioCheck acknowledgedWhileDown(String fault, int min) {
    return new Check("at least " + min + " writes acknowledged while the node is down", (claim, h, dir) -> {
      List<Window> windows = h.windows(fault);
      long acked = h.acknowledged().stream()
          .filter(s -> windows.stream().anyMatch(w -> w.covers(s.completeNanos()))).count();
      return new ScenarioCheck.Result(claim, acked >= min && !windows.isEmpty(), "acknowledged-while-down=" + acked);
    });
  }

  /**
   * Two overlapping windows of {@code fault} (two nodes down): nothing acknowledged while both are
   * down, writes acknowledged again once the first is back while the other is still down.
   */
  public static ScenarioCheck oneBackServes(String fault) {
    return new Check("nothing acknowledged with two down; acknowledged again with one back", (claim, h, dir) -> {
      List<Window> w = h.windows(fault).stream().sorted(Comparator.comparingLong(Window::healNanos)).toList();
      if (w.size() != 2) {
        return new ScenarioCheck.Result(claim, false, "windows=" + w.size() + " expected=2");
      }
      long bothFrom = Math.max(w.get(0).startNanos(), w.get(1).startNanos()) + IN_FLIGHT_NANOS;
      long oneBack = w.get(0).healNanos();
      long ackedBoth = h.acknowledged().stream()
          .filter(s -> s.completeNanos() >= bothFrom && s.completeNanos() <= oneBack).count();
      long firstAfter = h.acknowledged().stream().filter(s -> s.invokeNanos() >= oneBack
          && s.completeNanos() <= w.get(1).healNanos()).mapToLong(Send::completeNanos).min().orElse(-1);
      String resumed = firstAfter < 0 ? "none" : String.valueOf((firstAfter - oneBack) / 1_000_000);
      return new ScenarioCheck.Result(claim, ackedBoth == 0 && firstAfter >= 0,
          "resumed-ms-after-one-back=" + resumed + " acknowledged-with-two-down=" + ackedBoth);
    });
  }

  /**
   * The median acknowledgement latency of sends invoked while {@code fault} was in place exceeds the
   * median of those invoked before it by at least {@code minMillis}.
   */
  public static ScenarioCheck latencyAdded(String fault, long minMillis) {
    return new Check("acknowledgement latency rises by at least " + minMillis + " ms during " + fault,
        (claim, h, dir) -> {
          List<Window> windows = h.windows(fault);
          if (windows.isEmpty()) {
            return new ScenarioCheck.Result(claim, false, "windows=0");
          }
          long firstStart = windows.get(0).startNanos();
          long before = median(h.acknowledged().stream().filter(s -> s.completeNanos() < firstStart).toList());
          long during = median(h.acknowledged().stream().filter(s -> windows.stream()
              .anyMatch(w -> s.invokeNanos() >= w.startNanos() && s.completeNanos() <= w.healNanos())).toList());
          boolean passed = before >= 0 && during >= 0 && during - before >= minMillis;
          return new ScenarioCheck.Result(claim, passed, "ack-p50-ms before=" + before + " during=" + during);
        });
  }

  private static long median(List<Send> sends) {
    if (sends.isEmpty()) {
      return -1;
    }
    long[] ms = sends.stream().mapToLong(s -> (s.completeNanos() - s.invokeNanos()) / 1_000_000).sorted().toArray();
    return ms[ms.length / 2];
  }

  private static final Pattern AGREEMENT = Pattern.compile(
      ":replica-agreement \\{:agree\\? (\\w+) :groups (\\d+) :entries-compared (\\d+) .*:lagging \\[(.*)\\]\\}");

  /**
   * The run's replica agreement (results.edn) found every replica's committed log identical, compared
   * entries, and (with {@code noneLagging}) no replica behind the others' commit.
   */
  public static ScenarioCheck replicasAgree(boolean noneLagging) {
    return new Check(noneLagging ? "replicas identical after heal, none lagging" : "replicas identical after heal",
        (claim, h, dir) -> {
          Path results = dir.resolve("results.edn");
          String text = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
          Matcher m = AGREEMENT.matcher(text);
          if (!m.find()) {
            return new ScenarioCheck.Result(claim, false, "replica-agreement=not-recorded");
          }
          long lagging = Pattern.compile(":node ").matcher(m.group(4)).results().count();
          boolean passed = m.group(1).equals("true") && Long.parseLong(m.group(3)) > 0 && (!noneLagging || lagging == 0);
          return new ScenarioCheck.Result(claim, passed, "entries-compared=" + m.group(3) + " groups=" + m.group(2)
              + " lagging=" + lagging);
        });
  }
}
