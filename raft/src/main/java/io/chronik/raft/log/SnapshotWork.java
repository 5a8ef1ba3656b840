package io.chronik.raft.log;

/**
 * The part of persisting a Ready's snapshot chunks or snapshot whose cost grows with the image — reading a
 * received image back to check it, writing and forcing an installed image's entries — split off by
 * {@link LogStorage#beginSnapshotWork} so that it can run on a thread of its own while the driver goes on
 * with the node's other groups. {@link #run} touches only files nothing else touches until the driver
 * hands the work back with {@link LogStorage#completeSnapshotWork}; it never throws (a failure is kept and
 * rethrown there, on the driver thread, which then stops as for any failed write).
 */
public interface SnapshotWork {
  /** Does the work; any thread, once. */
  void run();
}
