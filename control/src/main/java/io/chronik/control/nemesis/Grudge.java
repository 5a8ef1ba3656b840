package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Who drops whom: node → the nodes whose packets it drops on arrival. Each shape here is a pure
 * function of the node list (callers shuffle it with a seeded Random for variety) and yields a
 * symmetric grudge, so dropping inbound on every node cuts each link in both directions.
 */
public record Grudge(Map<String, Set<String>> drops) {

  public Grudge {
    Map<String, Set<String>> copy = new LinkedHashMap<>();
    drops.forEach((node, from) -> copy.put(node, Set.copyOf(new TreeSet<>(from))));
    drops = java.util.Collections.unmodifiableMap(copy);
  }

  public Set<String> dropsFrom(String node) {
    return drops.getOrDefault(node, Set.of());
  }

  /** Whether {@code a} and {@code b} can still exchange packets. */
  public boolean connected(String a, String b) {
    return !dropsFrom(a).contains(b) && !dropsFrom(b).contains(a);
  }

  /** Every node drops every node outside its own component. */
  public static Grudge complete(List<? extends Collection<String>> components) {
    Map<String, Set<String>> drops = new LinkedHashMap<>();
    for (Collection<String> component : components) {
      for (String node : component) {
        Set<String> others = new TreeSet<>();
        for (Collection<String> other : components) {
          if (other != component) {
            others.addAll(other);
          }
        }
        drops.put(node, others);
      }
    }
    return new Grudge(drops);
  }

  /** {@code node} alone on one side, everyone else on the other. */
  public static Grudge isolate(List<String> nodes, String node) {
    if (!nodes.contains(node)) {
      throw new IllegalArgumentException("node=" + node + " reason=not-in-cluster");
    }
    List<String> rest = new ArrayList<>(nodes);
    rest.remove(node);
    return complete(List.of(List.of(node), rest));
  }

  /** The first ⌊n/2⌋ nodes (a minority) against the rest (a majority). */
  public static Grudge halves(List<String> nodes) {
    int minority = nodes.size() / 2;
    return complete(List.of(nodes.subList(0, minority), nodes.subList(minority, nodes.size())));
  }

  /**
   * Two halves joined by one bridge node that sees both: the first ⌊n/2⌋ nodes and the rest, with the
   * first node of the second half as the bridge. Each half plus the bridge is a majority.
   */
  public static Grudge bridge(List<String> nodes) {
    if (nodes.size() < 3) {
      throw new IllegalArgumentException("nodes=" + nodes.size() + " reason=bridge-needs-3");
    }
    int half = nodes.size() / 2;
    String bridge = nodes.get(half);
    List<String> left = nodes.subList(0, half);
    List<String> right = nodes.subList(half + 1, nodes.size());
    Map<String, Set<String>> drops = new LinkedHashMap<>();
    left.forEach(n -> drops.put(n, new TreeSet<>(right)));
    right.forEach(n -> drops.put(n, new TreeSet<>(left)));
    drops.put(bridge, Set.of());
    return new Grudge(drops);
  }

  /**
   * Nodes on a ring (in list order) each see the nodes within ring distance max(1, ⌊m/2⌋), m the
   * majority size: every node sees a majority (itself and its neighbours), yet for n ≥ 4 no two
   * adjacent nodes see the same set, so no majority agrees on who is in it.
   */
  public static Grudge majoritiesRing(List<String> nodes) {
    int n = nodes.size();
    int majority = n / 2 + 1;
    int reach = Math.max(1, majority / 2);
    Map<String, Set<String>> drops = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Set<String> dropped = new TreeSet<>();
      for (int j = 0; j < n; j++) {
        int d = Math.abs(i - j);
        if (Math.min(d, n - d) > reach) {
          dropped.add(nodes.get(j));
        }
      }
      drops.put(nodes.get(i), dropped);
    }
    return new Grudge(drops);
  }

  /** Isolates whichever node {@code leaderOf} names (e.g. the current partition leader). */
  public static Grudge isolateLeader(List<String> nodes, Function<List<String>, String> leaderOf) {
    return isolate(nodes, leaderOf.apply(nodes));
  }
}
