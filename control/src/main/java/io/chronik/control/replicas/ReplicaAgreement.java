package io.chronik.control.replicas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether the replicas of every Raft group hold the same committed log. Raft's log matching property
 * says two logs that hold an entry with the same index and term are identical up to it, and a committed
 * entry is in every future leader's log: so once healed, every replica's entries up to the committed
 * index must be byte-identical. Any difference there is a {@code replica-divergence} anomaly.
 *
 * <p>The committed bound of a group is the highest commit any replica persisted (a persisted commit
 * never exceeds what the cluster committed); entries above it may still legitimately differ and are
 * not judged. A replica whose log ends below the bound is {@code lagging} (it has not caught up yet:
 * reported, not an anomaly). Comparison is in two rounds: block digests first ({@link #plan}), then the
 * entries of every block that differs or lies at an edge ({@link #judge}).
 */
public final class ReplicaAgreement {
  /** An index range of a group whose entries must be listed and compared one by one. */
  public record Range(String dir, long from, long to) {
    public String argument() {
      return dir + ":" + from + "-" + to;
    }
  }

  /** Where replicas differ: the group, the first differing committed index, each replica's entry there. */
  public record Divergence(String dir, long index, Map<String, String> replicas, long entriesDiffering) {}

  /** A replica whose log ends below the group's committed bound. */
  public record Lagging(String dir, String node, long last, long committed) {}

  /** The outcome: groups seen, committed entries compared (per replica pair set), divergences, lagging replicas. */
  public record Result(int groups, long entriesCompared, List<Divergence> divergences, List<Lagging> lagging) {
    public boolean agree() {
      return divergences.isEmpty();
    }
  }

  /** The first round's reading: ranges to list, and the entries already proven equal by whole blocks. */
  public record Plan(List<Range> ranges, long entriesByBlocks, List<Lagging> lagging, int groups) {}

  private final int blockEntries;

  public ReplicaAgreement(int blockEntries) {
    this.blockEntries = blockEntries;
  }

  /** From every node's block digests: which ranges need their entries compared. */
  public Plan plan(Map<String, ReplicaDigest> byNode) {
    List<Range> ranges = new ArrayList<>();
    List<Lagging> lagging = new ArrayList<>();
    long byBlocks = 0;
    TreeSet<String> dirs = new TreeSet<>();
    byNode.values().forEach(d -> dirs.addAll(d.groups().keySet()));
    for (String dir : dirs) {
      Map<String, ReplicaDigest.Group> replicas = replicas(byNode, dir);
      long committed = replicas.values().stream().mapToLong(ReplicaDigest.Group::commit).max().orElse(0);
      replicas.forEach((node, g) -> {
        if (g.last() < committed) {
          lagging.add(new Lagging(dir, node, g.last(), committed));
        }
      });
      long lo = replicas.values().stream().mapToLong(g -> Math.max(1, g.first())).max().orElse(1);
      long hi = Math.min(committed, replicas.values().stream().mapToLong(ReplicaDigest.Group::last).min().orElse(0));
      for (long s = ((lo - 1) / blockEntries) * blockEntries + 1; s <= hi; s += blockEntries) {
        long e = s + blockEntries - 1;
        if (s >= lo && e <= hi && sameWholeBlock(replicas, s, e)) {
          byBlocks += blockEntries;
        } else {
          ranges.add(new Range(dir, Math.max(s, lo), Math.min(e, hi)));
        }
      }
    }
    return new Plan(ranges, byBlocks, lagging, dirs.size());
  }

  private static boolean sameWholeBlock(Map<String, ReplicaDigest.Group> replicas, long from, long to) {
    String digest = null;
    for (ReplicaDigest.Group g : replicas.values()) {
      ReplicaDigest.Block b = g.blocksByFrom().get(from);
      if (b == null || b.to() != to || (digest != null && !digest.equals(b.digest()))) {
        return false;
      }
      digest = b.digest();
    }
    return digest != null;
  }

  /** Compares the listed entries of {@code plan}'s ranges ({@code entriesByNode}: the second round's digests). */
  public Result judge(Plan plan, Map<String, ReplicaDigest> entriesByNode) {
    List<Divergence> divergences = new ArrayList<>();
    long compared = plan.entriesByBlocks();
    Map<String, Divergence> firstByDir = new LinkedHashMap<>();
    Map<String, Long> differing = new LinkedHashMap<>();
    for (Range r : plan.ranges()) {
      Map<String, ReplicaDigest.Group> replicas = replicas(entriesByNode, r.dir());
      for (long i = r.from(); i <= r.to(); i++) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, ReplicaDigest.Group> e : replicas.entrySet()) {
          ReplicaDigest.Entry entry = e.getValue().entries().get(i);
          if (entry != null) {
            seen.put(e.getKey(), entry.toString());
          }
        }
        if (seen.size() < replicas.size()) {
          continue; // gone from a replica between the rounds (e.g. a prefix truncated by a snapshot): not judged
        }
        compared++;
        if (seen.values().stream().distinct().count() > 1) {
          differing.merge(r.dir(), 1L, Long::sum);
          firstByDir.putIfAbsent(r.dir(), new Divergence(r.dir(), i, seen, 0));
        }
      }
    }
    firstByDir.forEach((dir, d) -> divergences.add(new Divergence(dir, d.index(), d.replicas(), differing.get(dir))));
    return new Result(plan.groups(), compared, divergences, plan.lagging());
  }

  private static Map<String, ReplicaDigest.Group> replicas(Map<String, ReplicaDigest> byNode, String dir) {
    Map<String, ReplicaDigest.Group> replicas = new LinkedHashMap<>();
    byNode.forEach((node, d) -> {
      ReplicaDigest.Group g = d.groups().get(dir);
      if (g != null) {
        replicas.put(node, g);
      }
    });
    return replicas;
  }
}
