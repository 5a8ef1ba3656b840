package io.chronik.pipeline.commit;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The node's durable log as the pipeline sees it: appends of any group are buffered, and one
 * {@link #sync()} makes all of them durable together (group commit across groups). The Raft durable
 * storage satisfies it through an adapter; benchmarks use a self-contained file-backed one
 * ({@code FileDurableWriter}, test sources). Called by one thread at a time.
 */
public interface DurableWriter extends DurableSync, AutoCloseable {
  /** Buffers one entry; {@code data}'s readable bytes are read, its position is left unchanged. */
  void append(int groupId, long index, long term, ByteBuffer data) throws IOException;

  /** Buffers a group's Raft hard state (term, vote, commit index); durable with the next sync. */
  void hardState(int groupId, long term, long vote, long commitIndex) throws IOException;

  /**
   * Makes everything buffered so far durable (one fsync).
   *
   * @return the durable position: bytes of the log that are on stable storage
   */
  @Override
  long sync() throws IOException;

  @Override
  void close() throws IOException;
}
