package io.chronik.control.scenario;

import static io.chronik.control.scenario.ScenarioChecks.acknowledgedOnlyByMajority;
import static io.chronik.control.scenario.ScenarioChecks.acknowledgedReadBack;
import static io.chronik.control.scenario.ScenarioChecks.acknowledgedWhileDown;
import static io.chronik.control.scenario.ScenarioChecks.latencyAdded;
import static io.chronik.control.scenario.ScenarioChecks.noFailedSends;
import static io.chronik.control.scenario.ScenarioChecks.nothingAcknowledgedWhile;
import static io.chronik.control.scenario.ScenarioChecks.oneBackServes;
import static io.chronik.control.scenario.ScenarioChecks.replicasAgree;
import static io.chronik.control.scenario.ScenarioChecks.servesDuring;
import static io.chronik.control.scenario.ScenarioChecks.writesResumeWithin;

import io.chronik.control.scenario.Scenario.Step;
import java.util.List;
import java.util.Optional;

/**
 * The seed project's scenarios (it ran them by hand), each declared once: {@code chronik test
 * --scenario NAME}, {@code chronik scenarios} and their help read this list. Adding one is one entry
 * here (docs/RUNS.md, "How to add a scenario"). Schedules assume 3 nodes (the lab's default);
 * {@link Scenario#problem} refuses a cluster they cannot run on.
 */
public final class ScenarioCatalog {
  /** Partitions of the workload topic in every scenario ({@code --partitions}' default). */
  public static final int PARTITIONS = 3;
  static final String FAILURE = "failure";
  static final String RECOVERY = "recovery";
  static final String NETWORK = "network chaos";

  private static final List<Scenario> SCENARIOS = List.of(
      new Scenario("leader-failure", FAILURE, "kill -9 of partition 0's leader for 12 s; re-election time measured",
          30, List.of(), List.of(Step.of(8, 12, "kill-leader")),
          List.of(writesResumeWithin("kill-leader", 10_000), acknowledgedReadBack())),
      new Scenario("minority-partition", FAILURE, "one node cut off for 15 s; the majority keeps serving every partition",
          30, List.of("isolate-one"), List.of(Step.of(6, 15, "partition")),
          List.of(servesDuring("partition", PARTITIONS), acknowledgedReadBack())),
      new Scenario("split-brain", FAILURE, "partition 0's leader cut off with no peer for 15 s; no write acknowledged "
          + "on its side", 30, List.of("isolate-leader"), List.of(Step.of(6, 15, "partition")),
          List.of(acknowledgedOnlyByMajority("partition"), acknowledgedReadBack())),
      new Scenario("partition-consistency", FAILURE, "three partitions of drawn shapes; every replica's committed log "
          + "identical after heal", 40, List.of("isolate-one", "halves", "bridge", "isolate-leader"),
          List.of(Step.of(5, 8, "partition"), Step.of(17, 8, "partition"), Step.of(29, 8, "partition")),
          List.of(replicasAgree(false), acknowledgedReadBack())),
      new Scenario("cascading", FAILURE, "nodes killed one by one until quorum is lost, then restarted one by one; "
          + "everything acknowledged is back", 35, List.of(), List.of(Step.of(8, 12, "cascading")),
          List.of(nothingAcknowledgedWhile("cascading"), acknowledgedReadBack())),
      new Scenario("graceful-rejoin", RECOVERY, "one node shut down gracefully for 12 s, then rejoins; no send fails",
          30, List.of(), List.of(Step.of(8, 12, "stop")),
          List.of(noFailedSends(), replicasAgree(false), acknowledgedReadBack())),
      new Scenario("crash-recovery", RECOVERY, "power cut (kill -9 + unfsynced writes lost) of one node, then of all; "
          + "everything acknowledged is back", 40, List.of(),
          List.of(Step.of(6, 8, "lose-unsynced"), Step.of(22, 8, "lose-unsynced-all")),
          List.of(acknowledgedReadBack(), replicasAgree(false))),
      new Scenario("stale-node-catch-up", RECOVERY, "n3 down for 30 s while writes go on; it catches up after restart",
          45, List.of(), List.of(Step.of(5, 30, "kill", 2)),
          List.of(acknowledgedWhileDown("kill", 200), replicasAgree(true), acknowledgedReadBack())),
      new Scenario("rolling-restart", RECOVERY, "every node restarted gracefully in turn (waiting for /ready); no send "
          + "fails", 45, List.of(), List.of(Step.of(5, 5, "rolling-restart")),
          List.of(noFailedSends(), acknowledgedReadBack())),
      new Scenario("concurrent-failures", RECOVERY, "n1 and n2 killed together (2 of 3 down), n2 back after 11.5 s, "
          + "n1 after 24 s", 40, List.of(), List.of(Step.of(6, 24, "kill", 0), Step.of(6, 11.5, "kill", 1)),
          List.of(oneBackServes("kill"), acknowledgedReadBack())),
      new Scenario("partition", NETWORK, "three partitions of drawn shapes, 8 s each", 40, List.of(),
          List.of(Step.of(5, 8, "partition"), Step.of(17, 8, "partition"), Step.of(29, 8, "partition")),
          List.of(acknowledgedReadBack())),
      new Scenario("packet-loss-20", NETWORK, "every node drops 20% of the packets it receives for 20 s", 35,
          List.of(), List.of(Step.of(6, 20, "packet-loss")),
          List.of(servesDuring("packet-loss", PARTITIONS), acknowledgedReadBack())),
      new Scenario("latency-100ms", NETWORK, "every peer (Raft) link delayed 100 ms each way for 15 s; "
          + "acknowledgements slow down by at least 100 ms, every partition still serves", 30, List.of(),
          List.of(Step.of(8, 15, "latency")),
          List.of(latencyAdded("latency", 100), servesDuring("latency", PARTITIONS), acknowledgedReadBack())),
      new Scenario("slow-close", NETWORK, "peer links held open 3 s after their other end closed for 20 s, "
          + "partition 0's leader killed inside that; re-election time measured", 35, List.of(),
          List.of(Step.of(6, 20, "slow-close"), Step.of(10, 8, "kill-leader")),
          List.of(writesResumeWithin("kill-leader", 10_000), acknowledgedReadBack())));

  private ScenarioCatalog() {}

  public static List<Scenario> all() {
    return SCENARIOS;
  }

  public static Optional<Scenario> find(String name) {
    return SCENARIOS.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public static List<String> names() {
    return SCENARIOS.stream().map(Scenario::name).toList();
  }

  /** Two lines per scenario: name, group and faults; then what it does and promises. */
  public static String table() {
    StringBuilder b = new StringBuilder();
    for (Scenario s : SCENARIOS) {
      b.append("  ").append(s.name()).append(" (").append(s.group()).append("; faults ")
          .append(String.join(",", s.faults())).append("; ").append(s.timeSeconds()).append(" s)\n");
      b.append("      ").append(s.help()).append('\n');
    }
    return b.toString();
  }
}
