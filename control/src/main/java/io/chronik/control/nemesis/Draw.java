package io.chronik.control.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What a fault draws its targets from: the cluster's nodes (in cluster order), the plan's seeded
 * Random (so a seed replays the same targets), the partition shapes the run allows and the workload's
 * client processes (empty when its clients run inside the control node).
 */
public record Draw(List<String> nodes, Random random, List<String> shapes, List<String> clients) {
  public Draw {
    nodes = List.copyOf(nodes);
    shapes = List.copyOf(shapes);
    clients = List.copyOf(clients);
  }

  /** A draw without client processes. */
  public Draw(List<String> nodes, Random random, List<String> shapes) {
    this(nodes, random, shapes, List.of());
  }

  /** The nodes in a seeded random order. */
  public List<String> shuffled() {
    List<String> order = new ArrayList<>(nodes);
    Collections.shuffle(order, random);
    return order;
  }

  /** The client processes in a seeded random order. */
  public List<String> shuffledClients() {
    List<String> order = new ArrayList<>(clients);
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
