package io.chronik.pipeline.produce;

/**
 * Sizes of the produce pipeline. Group ids are dense, in {@code [0, groupsMax)}, so per-group state is
 * an array slot (the broker maps topic-partitions to them).
 *
 * @param ringSize Disruptor slots, a power of two
 * @param groupsMax number of groups (partitions) this node may lead
 * @param batchRecordsMax appends per proposal at most
 * @param batchBytesMax payload bytes per proposal at most; a larger payload is refused TOO_LARGE
 * @param inFlightMax appends published and not completed at most
 */
public record PipelineConfig(int ringSize, int groupsMax, int batchRecordsMax, long batchBytesMax, long inFlightMax) {
  public PipelineConfig {
    if (Integer.bitCount(ringSize) != 1) {
      throw new IllegalArgumentException("ringSize=" + ringSize + " reason=not-power-of-two");
    }
    if (groupsMax <= 0 || batchRecordsMax <= 0 || batchBytesMax <= 0 || inFlightMax < ringSize) {
      throw new IllegalArgumentException("groupsMax=" + groupsMax + " batchRecordsMax=" + batchRecordsMax
          + " batchBytesMax=" + batchBytesMax + " inFlightMax=" + inFlightMax + " reason=out-of-range");
    }
  }

  public static PipelineConfig defaults(int groupsMax) {
    return new PipelineConfig(4096, groupsMax, 4096, 1 << 20, 16384);
  }
}
