package io.chronik.pipeline.simulation;

import java.util.SplittableRandom;

/**
 * A seed's network: loss, duplication, delay (in simulation units) and reordering rates, as
 * {@link SimNetwork} applies them.
 *
 * @param delaySpread random extra delay on top of {@code delayMin}, 0 up to this many units
 * @param reorderRate share of messages that get a long extra delay (up to ten ticks) and are overtaken
 */
public record WireRates(double dropRate, double duplicateRate, int delayMin, int delaySpread, double reorderRate) {

  /** A third of seeds lose nothing, a third duplicate nothing; the rest up to 15 % lost, 5 % doubled. */
  public static WireRates draw(SplittableRandom random) {
    return new WireRates(
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.15,
        random.nextInt(3) == 0 ? 0 : random.nextDouble() * 0.05,
        1 + random.nextInt(20),
        random.nextInt(200),
        random.nextDouble() * 0.1);
  }

  @Override
  public String toString() {
    return String.format("drop=%.3f dup=%.3f delay=%d+%d reorder=%.3f", dropRate, duplicateRate, delayMin,
        delaySpread, reorderRate);
  }
}
