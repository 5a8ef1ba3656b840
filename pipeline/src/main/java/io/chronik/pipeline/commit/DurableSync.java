package io.chronik.pipeline.commit;

import java.io.IOException;

/** The node-wide fsync barrier: one call makes every buffered write of every group durable. */
@FunctionalInterface
public interface DurableSync {
  /** @return the durable position (bytes on stable storage, or any monotonic marker of the storage) */
  long sync() throws IOException;
}
