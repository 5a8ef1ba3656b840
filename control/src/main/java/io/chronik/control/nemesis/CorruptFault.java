package io.chronik.control.nemesis;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bit rot and torn sectors on one replica (issue #16): the node's broker is killed with SIGKILL, then
 * one file of one of its Raft group directories is damaged while it is down — a byte flipped or the tail
 * cut off a closed segment, or a byte flipped in a snapshot ({@link CorruptionTarget} says which files
 * qualify) — and it restarts on that data when healed. Checksums must find the damage, the broker must
 * never serve it, and it must repair the group from its peers. The file, offset and kind are drawn from
 * a seed drawn at planning, so a run's seed replays them on the same data.
 */
public final class CorruptFault implements Fault {
  /**
   * The workload topic's segment size when this fault is selected: a short run then leaves every
   * partition directory with closed segments (at the broker's default, 16 MiB, it would have none).
   */
  static final int SEGMENT_BYTES = 2048;
  static final String SEED = "damage-seed=";

  @Override
  public String name() {
    return "corrupt";
  }

  @Override
  public String help() {
    return "one node: kill -9, then a byte flipped or the tail cut in one closed segment (or a byte flipped in a "
        + "snapshot) of one of its Raft groups, seeded; restarted when healed (must be detected, never served, "
        + "repaired from peers)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public String chronikOnlyBecause() {
    return "it damages Chronik's own data dir layout (raft/<group>/ segments and snapshots)";
  }

  /** A damaged replica can only be repaired from a peer. */
  @Override
  public int minNodes() {
    return 2;
  }

  @Override
  public Map<String, String> topicConfigs() {
    return Map.of("segment.bytes", Integer.toString(SEGMENT_BYTES));
  }

  /** The node and the damage's seed are drawn here (the files are known only when it starts). */
  @Override
  public Injection pick(Draw draw) {
    String node = draw.shuffled().get(0);
    return new Injection(List.of(node), SEED + draw.random().nextLong(), List.of());
  }

  /** Kill first: the files are damaged only once the broker is gone (kill waits for its exit). */
  @Override
  public String start(Injection injection, Testbed bed) {
    String node = injection.targets().get(0);
    bed.kill(node);
    return "killed=" + node + " corrupt=" + bed.corrupt(node, seedOf(injection));
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.start(injection.targets().get(0));
    return "started=" + injection.targets();
  }

  static long seedOf(Injection injection) {
    if (!injection.shape().startsWith(SEED)) {
      throw new IllegalArgumentException("shape=" + injection.shape() + " reason=expected-" + SEED + "N");
    }
    return Long.parseLong(injection.shape().substring(SEED.length()));
  }
}
