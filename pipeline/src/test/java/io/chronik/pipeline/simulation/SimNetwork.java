package io.chronik.pipeline.simulation;

import io.chronik.pipeline.driver.GroupMessage;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The seeded network between the simulated drivers: every message gets its own delivery time (delay
 * plus, now and then, a long extra delay that reorders it behind later ones), may be dropped or
 * duplicated, and is lost when a partition separates its ends at delivery time. Partitions are a
 * matrix of cut links, so both symmetric splits and an isolated node are expressible. Shared by the
 * pipeline's and the broker's simulation (the pipeline's test-jar); the rates come from the seed's
 * swarm as its {@link WireRates}.
 */
public final class SimNetwork {
  /** A message on the wire; {@code seq} keeps delivery order deterministic among equal times. */
  public record InFlight(long deliverAt, long seq, int from, int to, GroupMessage message) {}

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

  public SimNetwork(SplittableRandom random, int nodes, WireRates params) {
    this.random = random;
    this.cut = new boolean[nodes][nodes];
    this.dropRate = params.dropRate();
    this.duplicateRate = params.duplicateRate();
    this.delayMin = params.delayMin();
    this.delaySpread = params.delaySpread();
    this.reorderRate = params.reorderRate();
  }

  public void send(long now, int from, int to, GroupMessage message) {
    sent++;
    if (random.nextDouble() < dropRate) {
      dropped++;
      return;
    }
    int copies = random.nextDouble() < duplicateRate ? 2 : 1;
    for (int c = 0; c < copies; c++) {
      long delay = delayMin + (delaySpread == 0 ? 0 : random.nextInt(delaySpread + 1));
      if (random.nextDouble() < reorderRate) {
        delay += random.nextInt(10 * SwarmBasics.TICK);
      }
      wire.add(new InFlight(now + delay, seq++, from, to, message));
    }
  }

  /** Delivery time of the next message, or {@link Long#MAX_VALUE} when the wire is empty. */
  public long nextAt() {
    InFlight head = wire.peek();
    return head == null ? Long.MAX_VALUE : head.deliverAt();
  }

  public InFlight poll() {
    return wire.poll();
  }

  public boolean connected(int from, int to) {
    return !cut[from][to];
  }

  /** Cuts every link between {@code side} and the rest (both directions). */
  public void partition(boolean[] side) {
    for (int a = 0; a < cut.length; a++) {
      for (int b = 0; b < cut.length; b++) {
        cut[a][b] = side[a] != side[b];
      }
    }
  }

  public void heal() {
    for (boolean[] row : cut) {
      java.util.Arrays.fill(row, false);
    }
  }

  /** From now on nothing is lost, duplicated or reordered (the final healing phase). */
  public void becomeReliable() {
    heal();
    dropRate = 0;
    duplicateRate = 0;
    reorderRate = 0;
  }

  public String describeCut() {
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

  public long sent() {
    return sent;
  }

  public long dropped() {
    return dropped;
  }
}
