package io.chronik.control.nemesis;

import io.chronik.control.nemesis.ProcessFault.Action;
import io.chronik.control.nemesis.ProcessFault.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every fault a run can inject, registered once. {@code --faults}, its defaults and help, campaigns,
 * local and host runs and {@code chronik faults} all read this list; adding a fault is one class
 * and one line here (docs/RUNS.md, "How to add a fault").
 */
public final class FaultRegistry {
  /** The word that selects no fault at all. */
  public static final String NONE = "none";

  private static final List<Fault> FAULTS = List.of(
      new PartitionFault(),
      new ClientLeaderCut(),
      new PacketLossFault(0.2),
      new BandwidthFault(1_000),
      PeerLinkFault.latency(100),
      PeerLinkFault.slowClose(3_000),
      new ProcessFault(Action.KILL, Scope.ONE),
      new ProcessFault(Action.KILL, Scope.MINORITY),
      new ProcessFault(Action.KILL, Scope.MAJORITY),
      new ProcessFault(Action.KILL, Scope.ALL),
      new ProcessFault(Action.KILL, Scope.LEADER),
      new ProcessFault(Action.PAUSE, Scope.ONE),
      new ProcessFault(Action.PAUSE, Scope.MINORITY),
      new ProcessFault(Action.PAUSE, Scope.MAJORITY),
      new ProcessFault(Action.PAUSE, Scope.ALL),
      new ProcessFault(Action.STOP, Scope.ONE),
      new CascadingFault(Duration.ofSeconds(1)),
      new RollingRestartFault(),
      new MembershipFault(),
      new DiskLossFault(),
      new LoseUnsyncedFault(Scope.ONE),
      new LoseUnsyncedFault(Scope.ALL),
      DiskErrorFault.eio(),
      DiskErrorFault.full(),
      new CorruptFault(),
      new ClockSkewFault(),
      new ClockJumpFault(),
      new ClockStrobeFault(),
      ClientKillFault.one(),
      ClientKillFault.every(),
      new LoneWipeFault());

  private FaultRegistry() {}

  public static List<Fault> all() {
    return FAULTS;
  }

  public static Optional<Fault> find(String name) {
    return FAULTS.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** Names of the faults that run at {@code site}, registry order. */
  public static List<String> names(Site site) {
    return FAULTS.stream().filter(f -> f.sites().contains(site)).map(Fault::name).toList();
  }

  /** What {@code --faults} means when it is not given. */
  public static List<String> defaults(Site site) {
    return FAULTS.stream().filter(f -> f.byDefault() && f.sites().contains(site)).map(Fault::name).toList();
  }

  /** Why {@code names} cannot run at {@code site} (key=value), or null. */
  public static String problem(List<String> names, Site site) {
    for (String name : names) {
      if (name.equals(NONE)) {
        continue;
      }
      Optional<Fault> fault = find(name);
      if (fault.isEmpty()) {
        return "fault=" + name + " reason=unknown known=" + names(site);
      }
      if (!fault.get().sites().contains(site)) {
        return "fault=" + name + " site=" + site.label() + " reason=not-available-here runs-on="
            + fault.get().sites().stream().map(Site::label).sorted().toList() + " known=" + names(site);
      }
    }
    return null;
  }

  /** The faults {@code names} select ({@code none} selects nothing); throws on a name {@link #problem} refuses. */
  public static List<Fault> select(List<String> names, Site site) {
    String problem = problem(names, site);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    List<Fault> selected = new ArrayList<>();
    for (String name : names) {
      find(name).ifPresent(selected::add);
    }
    return selected;
  }

  /** Two lines per fault: name, where it runs, whether it is a default; then its help. */
  public static String table() {
    StringBuilder b = new StringBuilder();
    for (Fault f : FAULTS) {
      String sites = String.join(",", f.sites().stream().map(Site::label).sorted().toList());
      b.append("  ").append(f.name()).append(" (").append(sites).append(f.byDefault() ? "; default" : "").append(")\n");
      b.append("      ").append(f.help()).append('\n');
    }
    return b.toString();
  }
}
