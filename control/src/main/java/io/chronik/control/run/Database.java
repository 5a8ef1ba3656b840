package io.chronik.control.run;

import io.chronik.control.nemesis.Fault;
import io.chronik.control.nemesis.Site;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the hosts of a run run ({@code --db}): Chronik, or Apache Kafka so that the same seed, workload,
 * faults and checker can be compared on both. Everything a run does differently for Kafka is asked of
 * this: which faults make sense, where it can run, whether Chronik's own tools (replica digests,
 * metrics) apply.
 */
public enum Database {
  CHRONIK(Duration.ofSeconds(35)),
  /**
   * A KRaft broker's controlled shutdown waits up to 5 minutes for a controller that, once the other
   * nodes are gone, never answers; 20 s is well past a healthy shutdown, then kill -9 ends it.
   */
  KAFKA(Duration.ofSeconds(20));

  private final Duration stopGrace;

  Database(Duration stopGrace) {
    this.stopGrace = stopGrace;
  }

  /** The name on the command line and in run folders. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How long a graceful stop may take before the lifecycle falls back to kill -9 of the pid. */
  public Duration stopGrace() {
    return stopGrace;
  }

  /** Whether Chronik's own tools (log-digest replica agreement, admin /metrics) can read the nodes. */
  public boolean chronikTools() {
    return this == CHRONIK;
  }

  public static Optional<Database> parse(String label) {
    return Arrays.stream(values()).filter(d -> d.label().equals(label)).findFirst();
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(Database::label).toList();
  }

  /**
   * Why {@code faults} at {@code site} cannot run against this database (key=value, naming every fault
   * refused and why), or null. Checked before anything starts.
   */
  public String problem(Site site, List<Fault> faults) {
    if (this == CHRONIK) {
      return null;
    }
    if (site == Site.LOCAL) {
      return "db=" + label() + " reason=needs-hosts (local runs start Chronik processes; use --hosts lab:N)";
    }
    List<String> refused = faults.stream().filter(f -> f.chronikOnlyBecause() != null)
        .map(f -> f.name() + ":" + f.chronikOnlyBecause()).toList();
    return refused.isEmpty() ? null
        : "db=" + label() + " faults=" + refused + " reason=chronik-only-faults (they reach what only Chronik has)";
  }
}
