package io.chronik.broker.simulation;

import java.util.SplittableRandom;

/**
 * One seed's retention (drawn from its own random stream, so the seed's other shapes stay as they were
 * before retention came into the simulation): small segments, a size limit or none, how far behind a
 * replica may fall before the leader stops keeping segments for it (it then gets InstallSnapshot), how
 * often the broker's retention loop runs, and how often a client asks for DeleteRecords.
 *
 * @param on retention configured at all (off for a quarter of the seeds: today's unbounded log)
 * @param retentionBytes the size limit, -1 for none (then only DeleteRecords moves the log start)
 * @param catchupHoldEntries small for half of the seeds, so stopped replicas are caught up by snapshot
 * @param deleteShare share of client steps that send a DeleteRecords to the believed leader
 */
record RetentionShape(boolean on, long segmentBytes, long retentionBytes, long catchupHoldEntries,
    int checkTicks, double deleteShare) {

  static RetentionShape draw(SplittableRandom random) {
    boolean on = random.nextInt(4) != 0;
    long segmentBytes = 1024 + random.nextInt(3072);
    long retentionBytes = random.nextInt(3) == 0 ? -1 : segmentBytes * (1 + random.nextInt(8));
    long hold = random.nextBoolean() ? 2 + random.nextInt(60) : 100_000;
    int checkTicks = 3 + random.nextInt(40);
    double deleteShare = !on || random.nextInt(3) == 0 ? 0 : 0.005 + random.nextDouble() * 0.05;
    return new RetentionShape(on, segmentBytes, retentionBytes, hold, checkTicks, deleteShare);
  }

  @Override
  public String toString() {
    return !on ? "retention=off" : "retention=on segmentBytes=" + segmentBytes + " retentionBytes=" + retentionBytes
        + " catchupHoldEntries=" + catchupHoldEntries + " retentionCheckTicks=" + checkTicks
        + String.format(" deleteShare=%.3f", deleteShare);
  }
}
