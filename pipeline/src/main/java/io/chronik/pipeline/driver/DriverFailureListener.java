package io.chronik.pipeline.driver;

/**
 * Told once when the {@link RaftDriver} stops for good, on the driver thread, after every pending
 * append failed. The node behind it must stop leading, acknowledging and serving: its groups are
 * frozen in whatever role they had (a broker halts its process, so peers see the node down and elect).
 */
@FunctionalInterface
public interface DriverFailureListener {
  void driverFailed(DriverFailure reason, Throwable cause);
}
