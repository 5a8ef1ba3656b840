package io.chronik.raft.simulation;

import io.chronik.raft.message.Message;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated network between the cluster's nodes (hosts, by node id): per-link cuts in any shape
 * (partitions into groups, single one-way links), a drop and duplicate rate and a delay bound. A
 * Raft message is addressed to a member id; it travels to the host that member was registered on
 * ({@link ReplicaKeys}), and the host refuses it unless it still runs that member.
 */
final class SimulatedNetwork {

  private final ClusterSimulation sim;
  private final int nodes;
  private final boolean[][] linkDown;
  private double dropRate;
  private double duplicateRate;
  private int maxDelayMs = 20;

  SimulatedNetwork(ClusterSimulation sim, int nodes) {
    this.sim = sim;
    this.nodes = nodes;
    this.linkDown = new boolean[nodes + 1][nodes + 1];
  }

  void send(Message m) {
    SplittableRandom rnd = sim.rnd();
    int from = sim.keys().host(m.from());
    int to = sim.keys().host(m.to());
    if (linkDown[from][to] || (dropRate > 0 && rnd.nextDouble() < dropRate)) {
      return;
    }
    int copies = duplicateRate > 0 && rnd.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = 1 + rnd.nextInt(maxDelayMs);
      SimulatedNode target = sim.host(to);
      sim.at(sim.now() + delay, () -> target.deliver(m));
    }
  }

  /** A node-lease ping between hosts ({@link PeerLease}): same links and delays, its own random stream. */
  void ping(int from, int to, boolean stalled, SplittableRandom pingRnd) {
    if (linkDown[from][to] || !sim.host(to).up() || (dropRate > 0 && pingRnd.nextDouble() < dropRate)) {
      return;
    }
    sim.lease().ping(from, to, sim.now() + 1 + pingRnd.nextInt(maxDelayMs), stalled);
  }

  void cutOneWay(int from, int to) {
    linkDown[from][to] = true;
  }

  /** The "net" fault: a new drop rate, duplicate rate and delay bound. */
  void changeConditions(SplittableRandom rnd) {
    double[] drops = {0, 0.02, 0.1, 0.3};
    dropRate = drops[rnd.nextInt(drops.length)];
    duplicateRate = rnd.nextBoolean() ? 0 : 0.05;
    maxDelayMs = 5 + rnd.nextInt(60);
  }

  /** Cuts {@code id} and one random other node off from the other three. */
  void isolateWithOne(int id, SplittableRandom rnd) {
    heal();
    int buddy = 1 + rnd.nextInt(nodes);
    for (int a = 1; a <= nodes; a++) {
      for (int b = 1; b <= nodes; b++) {
        boolean aSmall = a == id || a == buddy;
        boolean bSmall = b == id || b == buddy;
        linkDown[a][b] = aSmall != bSmall;
      }
    }
  }

  void partitionRandomly(SplittableRandom rnd) {
    heal();
    int[] side = new int[nodes + 1];
    int groups = 2 + rnd.nextInt(2);
    for (int id = 1; id <= nodes; id++) {
      side[id] = rnd.nextInt(groups);
    }
    for (int a = 1; a <= nodes; a++) {
      for (int b = 1; b <= nodes; b++) {
        linkDown[a][b] = side[a] != side[b];
      }
    }
  }

  void heal() {
    for (boolean[] row : linkDown) {
      Arrays.fill(row, false);
    }
  }

  /** The heal phase: every link up, a reliable network. */
  void makeReliable() {
    heal();
    dropRate = 0;
    duplicateRate = 0;
    maxDelayMs = 20;
  }
}
