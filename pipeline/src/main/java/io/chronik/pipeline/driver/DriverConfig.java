package io.chronik.pipeline.driver;

/**
 * Sizes of the Raft driver.
 *
 * @param nodesMax node ids are in {@code [0, nodesMax)} (peer message targets)
 * @param proposalQueueCapacity proposals (one per group per batch) waiting for the driver
 * @param inboundQueueCapacity peer messages waiting for the driver
 * @param drainLimit inputs of each kind taken per loop, so one flood cannot starve the others
 * @param idleParkNanos longest park when a loop found nothing to do (wake-ups cut it short)
 * @param applyBytesPerLoopMax committed entry payload bytes all groups together hand out to apply per loop
 *     (one entry beyond it at most): a node restarting with 1,024 partitions that each have megabytes to
 *     re-apply read them all in one loop and ran out of heap
 */
public record DriverConfig(int nodesMax, int proposalQueueCapacity, int inboundQueueCapacity, int drainLimit,
    long idleParkNanos, long applyBytesPerLoopMax) {

  /** Default {@link #applyBytesPerLoopMax}: large next to a loop's normal traffic, small next to a heap. */
  public static final long APPLY_BYTES_PER_LOOP_DEFAULT = 64L << 20;

  public DriverConfig {
    if (nodesMax <= 0 || proposalQueueCapacity <= 0 || inboundQueueCapacity <= 0 || drainLimit <= 0
        || idleParkNanos <= 0 || applyBytesPerLoopMax <= 0) {
      throw new IllegalArgumentException("nodesMax=" + nodesMax + " proposalQueueCapacity=" + proposalQueueCapacity
          + " inboundQueueCapacity=" + inboundQueueCapacity + " drainLimit=" + drainLimit
          + " idleParkNanos=" + idleParkNanos + " applyBytesPerLoopMax=" + applyBytesPerLoopMax
          + " reason=out-of-range");
    }
  }

  public DriverConfig(int nodesMax, int proposalQueueCapacity, int inboundQueueCapacity, int drainLimit,
      long idleParkNanos) {
    this(nodesMax, proposalQueueCapacity, inboundQueueCapacity, drainLimit, idleParkNanos,
        APPLY_BYTES_PER_LOOP_DEFAULT);
  }

  public static DriverConfig defaults(int nodesMax) {
    return new DriverConfig(nodesMax, 8192, 65536, 4096, 1_000_000);
  }
}
