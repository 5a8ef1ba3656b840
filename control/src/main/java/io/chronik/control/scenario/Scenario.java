package io.chronik.control.scenario;

import io.chronik.control.nemesis.Draw;
import io.chronik.control.nemesis.Fault;
import io.chronik.control.nemesis.FaultPlan;
import io.chronik.control.nemesis.FaultRegistry;
import io.chronik.control.nemesis.Injection;
import io.chronik.control.nemesis.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A named, checked run: a fixed schedule of registered faults ({@link FaultRegistry}; no fault of
 * its own) under the kafka workload for {@code timeSeconds}, and the claims it promises beyond a
 * valid run ({@link ScenarioCheck}), each judged from the history. Targets a step does not fix are
 * drawn by the fault from the seed, as in {@code chronik test}.
 */
public record Scenario(String name, String group, String help, int timeSeconds, List<String> shapes, List<Step> steps,
    List<ScenarioCheck> checks) {
  /**
   * One fault put in place {@code atMillis} after the workload started and healed {@code holdMillis}
   * later; {@code targets} are node positions in cluster order (0 = n1), empty to let the fault draw.
   * Steps may overlap.
   */
  public record Step(long atMillis, long holdMillis, String fault, List<Integer> targets) {
    public Step {
      targets = List.copyOf(targets);
    }

    public static Step of(double atSeconds, double holdSeconds, String fault, Integer... targets) {
      return new Step(Math.round(atSeconds * 1000), Math.round(holdSeconds * 1000), fault, List.of(targets));
    }
  }

  public Scenario {
    shapes = List.copyOf(shapes);
    steps = List.copyOf(steps);
    checks = List.copyOf(checks);
  }

  /** The distinct registered faults the schedule uses, in order of first use. */
  public List<String> faults() {
    return steps.stream().map(Step::fault).distinct().toList();
  }

  /** Every claim the scenario's verdict rests on: its faults were put in place, then its own checks. */
  public List<ScenarioCheck> allChecks() {
    List<ScenarioCheck> all = new ArrayList<>();
    all.add(ScenarioChecks.faultsInPlace(steps.size()));
    all.addAll(checks);
    return all;
  }

  /** Why the scenario cannot run on {@code nodes} nodes at {@code site} (key=value), or null. */
  public String problem(int nodes, Site site) {
    String registry = FaultRegistry.problem(faults(), site);
    if (registry != null) {
      return "scenario=" + name + " " + registry;
    }
    Draw draw = draw(nodes(nodes), 0);
    for (Step step : steps) {
      String fault = FaultRegistry.find(step.fault()).orElseThrow().problem(draw);
      if (fault != null) {
        return "scenario=" + name + " " + fault;
      }
      if (step.targets().stream().anyMatch(t -> t < 0 || t >= nodes)) {
        return "scenario=" + name + " fault=" + step.fault() + " targets=" + step.targets() + " nodes=" + nodes
            + " reason=target-outside-cluster";
      }
      if (step.atMillis() + step.holdMillis() > timeSeconds * 1000L) {
        return "scenario=" + name + " fault=" + step.fault() + " reason=step-ends-after-run";
      }
    }
    return exclusiveOverlap();
  }

  /** Why a step of an {@link Fault#exclusive() exclusive} fault overlaps another step (key=value), or null. */
  private String exclusiveOverlap() {
    for (Step a : steps) {
      if (!FaultRegistry.find(a.fault()).orElseThrow().exclusive()) {
        continue;
      }
      for (Step b : steps) {
        boolean overlap = b.atMillis() < a.atMillis() + a.holdMillis() && a.atMillis() < b.atMillis() + b.holdMillis();
        if (b != a && overlap) {
          return "scenario=" + name + " fault=" + a.fault() + " at-ms=" + a.atMillis() + " overlaps=" + b.fault()
              + " at-ms=" + b.atMillis() + " reason=exclusive-fault-overlaps-another-step";
        }
      }
    }
    return null;
  }

  /** The schedule on {@code nodes} (cluster order); targets not fixed are drawn from {@code seed}. */
  public List<FaultPlan.Step> plan(long seed, List<String> nodes) {
    Draw draw = draw(nodes, seed);
    List<FaultPlan.Step> plan = new ArrayList<>();
    for (Step step : steps) {
      Fault fault = FaultRegistry.find(step.fault()).orElseThrow(
          () -> new IllegalArgumentException("scenario=" + name + " fault=" + step.fault() + " reason=unknown"));
      // fixed targets keep the cluster as the arrangement: disk-loss waits on every node of it
      Injection injection = step.targets().isEmpty() ? fault.pick(draw)
          : new Injection(step.targets().stream().map(nodes::get).toList(), "", nodes);
      plan.add(new FaultPlan.Step(step.atMillis(), step.atMillis() + step.holdMillis(), fault, injection));
    }
    return List.copyOf(plan);
  }

  private Draw draw(List<String> nodes, long seed) {
    return new Draw(nodes, new Random(seed), shapes.isEmpty() ? io.chronik.control.nemesis.PartitionFault.LABELS
        : shapes);
  }

  private static List<String> nodes(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "n" + i).toList();
  }
}
