package io.chronik.control.nemesis;

import io.chronik.control.db.FakeClock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One fault a run can inject, registered once in {@link FaultRegistry}: its name (on the command
 * line and in the history as {@code :start-<name>} / {@code :stop-<name>}, which the report shades),
 * its help text, the sites it runs on, how it picks its targets and how it starts and heals.
 * Implementations are stateless: what one injection hit is in its {@link Injection}.
 */
public interface Fault {
  /** Name on the command line ({@code --faults}) and in the history. */
  String name();

  /** One line for {@code --help} and {@code chronik faults}. */
  String help();

  /** Where the fault can run. */
  Set<Site> sites();

  /** Whether runs draw from it when {@code --faults} is not given. */
  default boolean byDefault() {
    return false;
  }

  /** Whether the brokers' data dirs must sit on the lazy file system (chronik lazyfs) for it. */
  default boolean needsLazyDataDir() {
    return false;
  }

  /**
   * Whether the workload's clients must run as separate processes for it (they then do: a fault
   * cannot kill a thread of the control node).
   */
  default boolean needsClientProcesses() {
    return false;
  }

  /**
   * Configs the workload's topic is created with for this fault (e.g. small segments, so that there are
   * closed segments to damage); empty: the brokers' defaults.
   */
  default Map<String, String> topicConfigs() {
    return Map.of();
  }

  /**
   * How often brokers must re-read a fake wall clock for this fault (they then run under libfaketime,
   * {@link FakeClock}), or empty when the real clock will do.
   */
  default Optional<FakeClock.Refresh> fakeClock() {
    return Optional.empty();
  }

  /**
   * Why the fault works only against Chronik (it reaches something only Chronik has: its Raft port,
   * its admin {@code /ready}), or null when it works against any Kafka-compatible target. Runs against
   * Apache Kafka ({@code --db kafka}) refuse such faults before anything starts.
   */
  default String chronikOnlyBecause() {
    return null;
  }

  /**
   * Whether no other fault may be in place while this one is, from its start until its heal has returned:
   * it takes a replica's data away, and a second node killed, cut off or wiped before the first has
   * rejoined is beyond what a replication factor of 3 tolerates. Drawn plans never overlap steps
   * ({@link FaultPlan}); scenarios with such a step overlapping another are refused.
   */
  default boolean exclusive() {
    return false;
  }

  /** Fewest nodes the fault makes sense on (e.g. a minority needs 3). */
  default int minNodes() {
    return 1;
  }

  /** Why the fault cannot be drawn from {@code draw} (key=value), or null. Checked before a run. */
  default String problem(Draw draw) {
    return draw.nodes().size() < minNodes()
        ? "fault=" + name() + " nodes=" + draw.nodes().size() + " reason=needs-at-least-" + minNodes() + "-nodes"
        : null;
  }

  /** Draws one injection's targets; pure apart from {@code draw}'s Random, so seeds replay. */
  Injection pick(Draw draw);

  /**
   * Targets known only when the fault starts (the current leader); default: as picked. May ask the
   * cluster, so it can fail; the failure is recorded like a failed start.
   */
  default Injection resolve(Injection picked, Testbed bed) {
    return picked;
  }

  /** Puts the fault in place; returns what was done (the history's {@code :info} value). */
  String start(Injection injection, Testbed bed);

  /** Undoes {@link #start}; returns what was done. */
  String heal(Injection injection, Testbed bed);
}
