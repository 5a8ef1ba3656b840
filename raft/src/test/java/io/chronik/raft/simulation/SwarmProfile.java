package io.chronik.raft.simulation;

import io.chronik.raft.node.RaftOptions;
import java.util.SplittableRandom;

/**
 * Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): every seed draws its own protocol
 * parameters, disk behaviour and fault mix instead of all seeds sharing one average mix, so rare
 * shapes (a one-entry append window, a 400 ms fsync under a leader, a run of crashes with no
 * partitions) are common in some seeds. Printed in every failure line, so a failure names its shape.
 *
 * @param faultWeights   relative weights of {@link #FAULTS}, some of them zero
 * @param faultGapMs     upper bound of the pause between two faults
 * @param fsyncMaxMs     ordinary fsync latency is 0..fsyncMaxMs
 * @param fsyncTailRate  share of fsyncs that take fsyncTailMs (a slow disk: ticks bunch up behind it)
 * @param fsyncErrorRate share of fsyncs that fail; the node stops (fail-stop, as the driver does)
 * @param tornCrash      a crash keeps a random prefix of the unsynced entries instead of none
 * @param snapshotEvery  applied entries between two state-machine snapshots (log compaction)
 * @param singleVoterPct membership changes that shrink to one voter, in percent
 */
record SwarmProfile(
    int electionTicks, int heartbeatTicks, long appendBytesMax, int inflightMax, int snapshotChunkBytes,
    int[] faultWeights, int faultGapMs, int fsyncMaxMs, double fsyncTailRate, int fsyncTailMs,
    double fsyncErrorRate, boolean tornCrash, int snapshotEvery, int snapshotKeep, int clients,
    int singleVoterPct) {

  static final String[] FAULTS = {"partition", "oneway", "heal", "crash", "restart", "net", "membership", "transfer"};

  static SwarmProfile draw(SplittableRandom rnd, int baseClients) {
    int election = 6 + rnd.nextInt(25);
    int heartbeat = 1 + rnd.nextInt(Math.max(1, election / 4));
    long appendBytes = rnd.nextBoolean() ? 1 : 64 + rnd.nextInt(2_000);
    int inflight = 1 + rnd.nextInt(8);
    int[] weights = new int[FAULTS.length];
    for (int i = 0; i < weights.length; i++) {
      // a quarter of the fault kinds are switched off per seed: a seed of only crashes and restarts
      // reaches states a seed diluted by partitions rarely does
      weights[i] = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(10);
    }
    weights[4] = Math.max(weights[4], weights[3]); // restarts keep up with crashes, or the cluster dies out
    double[] tails = {0, 0, 0.01, 0.05, 0.2};
    double[] errors = {0, 0, 0, 0.002, 0.01};
    int[] snapshotEvery = {10, 25, 25, 60, 200};
    return new SwarmProfile(election, heartbeat, appendBytes, inflight, 64 + rnd.nextInt(256), weights,
        50 + rnd.nextInt(550), 1 + rnd.nextInt(3), tails[rnd.nextInt(tails.length)], 100 + rnd.nextInt(400),
        errors[rnd.nextInt(errors.length)], rnd.nextBoolean(), snapshotEvery[rnd.nextInt(snapshotEvery.length)],
        rnd.nextInt(10), 1 + rnd.nextInt(2 * baseClients), rnd.nextBoolean() ? 10 : 35);
  }

  RaftOptions options() {
    return RaftOptions.defaults().toBuilder().electionTicks(electionTicks).heartbeatTicks(heartbeatTicks)
        .appendBytesMax(appendBytesMax).inflightMax(inflightMax).snapshotChunkBytes(snapshotChunkBytes).build();
  }

  /** Picks a fault kind by the seed's weights. */
  String pickFault(SplittableRandom rnd) {
    int total = 0;
    for (int w : faultWeights) {
      total += w;
    }
    if (total == 0) {
      return "heal";
    }
    int r = rnd.nextInt(total);
    for (int i = 0; i < faultWeights.length; i++) {
      r -= faultWeights[i];
      if (r < 0) {
        return FAULTS[i];
      }
    }
    return "heal";
  }

  @Override
  public String toString() {
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < FAULTS.length; i++) {
      w.append(i == 0 ? "" : ",").append(FAULTS[i]).append(':').append(faultWeights[i]);
    }
    return "swarm[electionTicks=" + electionTicks + " heartbeatTicks=" + heartbeatTicks + " appendBytesMax="
        + appendBytesMax + " inflightMax=" + inflightMax + " faults=" + w + " faultGapMs=" + faultGapMs
        + " fsyncMaxMs=" + fsyncMaxMs + " fsyncTailRate=" + fsyncTailRate + " fsyncTailMs=" + fsyncTailMs
        + " fsyncErrorRate=" + fsyncErrorRate + " tornCrash=" + tornCrash + " snapshotEvery=" + snapshotEvery
        + " clients=" + clients + " singleVoterPct=" + singleVoterPct + "]";
  }
}
