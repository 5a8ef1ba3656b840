package io.chronik.control.nemesis;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * kill -9, SIGSTOP or a graceful stop of some nodes at once, healed by restarting (from their data)
 * or resuming them. One class, registered once per action and scope: {@code kill}, {@code kill-minority},
 * {@code kill-majority}, {@code kill-all}, {@code kill-leader}, the same for {@code pause}, and
 * {@code stop} (one node shut down gracefully, started again when healed).
 */
public final class ProcessFault implements Fault {
  /** What happens to each target. */
  public enum Action { KILL, PAUSE, STOP }

  /** How many nodes one injection hits, as a function of the cluster size n. */
  public enum Scope {
    /** One node. */
    ONE("", 1),
    /** The largest minority, ⌊(n−1)/2⌋: the cluster keeps a quorum. */
    MINORITY("-minority", 3),
    /** A quorum, ⌊n/2⌋+1: the cluster loses its quorum until healed. */
    MAJORITY("-majority", 1),
    /** Every node at once. */
    ALL("-all", 1),
    /** The node leading the workload topic's partition 0 when the fault starts (asked of the cluster). */
    LEADER("-leader", 2);

    private final String suffix;
    private final int minNodes;

    Scope(String suffix, int minNodes) {
      this.suffix = suffix;
      this.minNodes = minNodes;
    }

    public int size(int nodes) {
      return switch (this) {
        case ONE -> 1;
        case MINORITY -> Draw.largestMinority(nodes);
        case MAJORITY -> Draw.majority(nodes);
        case ALL -> nodes;
        case LEADER -> 1;
      };
    }
  }

  private final Action action;
  private final Scope scope;

  public ProcessFault(Action action, Scope scope) {
    this.action = action;
    this.scope = scope;
  }

  @Override
  public String name() {
    return action.name().toLowerCase(Locale.ROOT) + scope.suffix;
  }

  @Override
  public String help() {
    String what = switch (action) {
      case KILL -> "kill -9, restarted from its data when healed";
      case PAUSE -> "SIGSTOP, resumed (SIGCONT) when healed";
      case STOP -> "graceful stop (SIGTERM: leaderships handed off), started from its data when healed";
    };
    String whom = switch (scope) {
      case ONE -> "one node";
      case MINORITY -> "a minority (n-1)/2 of the nodes at once";
      case MAJORITY -> "a majority n/2+1 of the nodes at once (quorum lost until healed)";
      case ALL -> "every node at once";
      case LEADER -> "the leader of partition 0 when it starts";
    };
    return whom + ": " + what;
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL, Site.LAB, Site.VMS);
  }

  @Override
  public boolean byDefault() {
    return scope == Scope.ONE && action != Action.STOP;
  }

  @Override
  public int minNodes() {
    return scope.minNodes;
  }

  @Override
  public Injection pick(Draw draw) {
    if (scope == Scope.LEADER) {
      return Injection.of(List.of()); // known only when the fault starts
    }
    return Injection.of(draw.shuffled().subList(0, scope.size(draw.nodes().size())));
  }

  @Override
  public Injection resolve(Injection picked, Testbed bed) {
    return scope == Scope.LEADER ? Injection.of(List.of(bed.leader())) : picked;
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    List<String> targets = injection.targets();
    switch (action) {
      case KILL -> targets.forEach(bed::kill);
      case PAUSE -> targets.forEach(bed::pause);
      case STOP -> targets.forEach(bed::stop);
    }
    return switch (action) {
      case KILL -> "killed=";
      case PAUSE -> "paused=";
      case STOP -> "stopped=";
    } + targets;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    List<String> targets = injection.targets();
    if (action == Action.PAUSE) {
      targets.forEach(bed::resume);
      return "resumed=" + targets;
    }
    targets.forEach(bed::start);
    return "started=" + targets;
  }
}
