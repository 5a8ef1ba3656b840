package io.chronik.pipeline.driver;

/**
 * Sizes of the Raft driver.
 *
 * @param nodesMax node ids are in {@code [0, nodesMax)} (peer message targets)
 * @param proposalQueueCapacity proposals (one per group per batch) waiting for the driver
 * @param inboundQueueCapacity peer messages waiting for the driver
 * @param drainLimit inputs of each kind taken per loop, so one flood cannot starve the others
 * @param idleParkNanos longest park when a loop found nothing to do (wake-ups cut it short)
 */
public record DriverConfig(int nodesMax, int proposalQueueCapacity, int inboundQueueCapacity, int drainLimit,
    long idleParkNanos) {
  public DriverConfig {
    if (nodesMax <= 0 || proposalQueueCapacity <= 0 || inboundQueueCapacity <= 0 || drainLimit <= 0
        || idleParkNanos <= 0) {
      throw new IllegalArgumentException("nodesMax=" + nodesMax + " proposalQueueCapacity=" + proposalQueueCapacity
          + " inboundQueueCapacity=" + inboundQueueCapacity + " drainLimit=" + drainLimit
          + " idleParkNanos=" + idleParkNanos + " reason=out-of-range");
    }
  }

  public static DriverConfig defaults(int nodesMax) {
    return new DriverConfig(nodesMax, 8192, 65536, 4096, 1_000_000);
  }
}
