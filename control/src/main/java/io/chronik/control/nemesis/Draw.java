package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What a fault draws its targets from: the cluster's nodes (in cluster order), the plan's seeded
 * Random (so a seed replays the same targets) and the partition shapes the run allows.
 */
public record Draw(List<String> nodes, Random random, List<String> shapes) {
  public Draw {
    nodes = List.copyOf(nodes);
    shapes = List.copyOf(shapes);
  }

  /** The nodes in a seeded random order. */
  public List<String> shuffled() {
    List<String> order = new ArrayList<>(nodes);
    Collections.shuffle(order, random);
    return order;
  }

  /** A quorum: ⌊n/2⌋ + 1 nodes. */
  public static int majority(int nodes) {
    return nodes / 2 + 1;
  }

  /** The largest minority: ⌊(n−1)/2⌋ nodes (0 for one node). */
  public static int largestMinority(int nodes) {
    return (nodes - 1) / 2;
  }
}
