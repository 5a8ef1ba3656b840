package io.chronik.broker.simulation;

import io.chronik.pipeline.driver.GroupMessage;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The seeded network between the simulated brokers, as the pipeline simulation's (Raft messages only:
 * produce answers are the simulation's own): every message gets its own delivery time (delay plus, now
 * and then, a long extra delay that reorders it), may be dropped or duplicated, and is lost when a
 * partition separates its ends at delivery time. Partitions are a matrix of cut links.
 */
final class BrokerWire {
  /** A message on the wire; {@code seq} keeps delivery order deterministic among equal times. */
  record InFlight(long deliverAt, long seq, int from, int to, GroupMessage message) {}

  private final PriorityQueue<InFlight> wire = new PriorityQueue<>((a, b) -> a.deliverAt != b.deliverAt
      ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.seq, b.seq));
  private final SplittableRandom random;
  private final boolean[][] cut;
  private long seq;
  private double dropRate;
  private double duplicateRate;
  private final int delayMin;
  private final int delaySpread;
  private double reorderRate;
  private long sent;
  private long dropped;

  BrokerWire(SplittableRandom random, int nodes, BrokerSwarm params) {
    this.random = random;
    this.cut = new boolean[nodes][nodes];
    this.dropRate = params.dropRate();
    this.duplicateRate = params.duplicateRate();
    this.delayMin = params.delayMin();
    this.delaySpread = params.delaySpread();
    this.reorderRate = params.reorderRate();
  }

  void send(long now, int from, int to, GroupMessage message) {
    sent++;
    if (random.nextDouble() < dropRate) {
      dropped++;
      return;
    }
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int c = 0; c < copies; c++) {
      long delay = delayMin + (delaySpread == 0 ? 0 : random.nextInt(delaySpread + 1));
      if (random.nextDouble() < reorderRate) {
        delay += random.nextInt(10 * BrokerSwarm.TICK);
      }
      wire.add(new InFlight(now + delay, seq++, from, to, message));
    }
  }

  /** Delivery time of the next message, or {@link Long#MAX_VALUE} when the wire is empty. */
  long nextAt() {
    InFlight head = wire.peek();
    return head == null ? Long.MAX_VALUE : head.deliverAt();
  }

  InFlight poll() {
    return wire.poll();
  }

  boolean connected(int from, int to) {
    return !cut[from][to];
  }

  /** Cuts every link between {@code side} and the rest (both directions). */
  void partition(boolean[] side) {
    for (int a = 0; a < cut.length; a++) {
      for (int b = 0; b < cut.length; b++) {
        cut[a][b] = side[a] != side[b];
      }
    }
  }

  void heal() {
    for (boolean[] row : cut) {
      java.util.Arrays.fill(row, false);
    }
  }

  /** From now on nothing is lost, duplicated or reordered (the final healing phase). */
  void becomeReliable() {
    heal();
    dropRate = 0;
    duplicateRate = 0;
    reorderRate = 0;
  }

  String describeCut() {
    StringBuilder sb = new StringBuilder();
    for (int a = 0; a < cut.length; a++) {
      for (int b = a + 1; b < cut.length; b++) {
        if (cut[a][b]) {
          sb.append(a).append('|').append(b).append(' ');
        }
      }
    }
    return sb.length() == 0 ? "none" : sb.toString().trim();
  }

  long sent() {
    return sent;
  }

  long dropped() {
    return dropped;
  }
}
