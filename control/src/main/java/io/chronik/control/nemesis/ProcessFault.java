package io.chronik.control.nemesis;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * kill -9 or SIGSTOP of some nodes at once, healed by restarting (from their data) or resuming
 * them. One class, registered once per action and scope: {@code kill}, {@code kill-minority},
 * {@code kill-majority}, {@code kill-all}, and the same for {@code pause}.
 */
public final class ProcessFault implements Fault {
  /** What happens to each target. */
  public enum Action { KILL, PAUSE }

  /** How many nodes one injection hits, as a function of the cluster size n. */
  public enum Scope {
    /** One node. */
    ONE("", 1),
    /** The largest minority, ⌊(n−1)/2⌋: the cluster keeps a quorum. */
    MINORITY("-minority", 3),
    /** A quorum, ⌊n/2⌋+1: the cluster loses its quorum until healed. */
    MAJORITY("-majority", 1),
    /** Every node at once. */
    ALL("-all", 1);

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
    String what = action == Action.KILL ? "kill -9, restarted from its data when healed"
        : "SIGSTOP, resumed (SIGCONT) when healed";
    String whom = switch (scope) {
      case ONE -> "one node";
      case MINORITY -> "a minority (n-1)/2 of the nodes at once";
      case MAJORITY -> "a majority n/2+1 of the nodes at once (quorum lost until healed)";
      case ALL -> "every node at once";
    };
    return whom + ": " + what;
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL, Site.LAB, Site.VMS);
  }

  @Override
  public boolean byDefault() {
    return scope == Scope.ONE;
  }

  @Override
  public int minNodes() {
    return scope.minNodes;
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(draw.shuffled().subList(0, scope.size(draw.nodes().size())));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    List<String> targets = injection.targets();
    if (action == Action.KILL) {
      targets.forEach(bed::kill);
      return "killed=" + targets;
    }
    targets.forEach(bed::pause);
    return "paused=" + targets;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    List<String> targets = injection.targets();
    if (action == Action.KILL) {
      targets.forEach(bed::start);
      return "started=" + targets;
    }
    targets.forEach(bed::resume);
    return "resumed=" + targets;
  }
}
