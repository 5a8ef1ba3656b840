package io.chronik.raft.storage;

import java.io.IOException;

/**
 * Where one group's hard state (term, vote, commit) lives durably: its own {@link HardStateFile}, or
 * a slot of the node-wide {@link HardStateJournal} that makes the hard states of every group durable
 * with one fsync (so a thousand groups changing term at once cost one write, not a thousand).
 */
public interface HardStateStore {

  /** The last durable hard state, {@link HardStateFile.Stored#EMPTY} if none. */
  HardStateFile.Stored load() throws IOException;

  /** Records {@code state}; durable at once or after the next {@link #flush}. */
  void stage(HardStateFile.Stored state) throws IOException;

  /** Makes every staged state durable (no-op when there is none). */
  void flush() throws IOException;
}
