package io.chronik.raft.storage;

/** One entry read back from a {@link SegmentedLog}; {@code payload} is a private copy. */
public record LogEntry(long index, long term, long key, int kind, byte[] payload) {

  /** Key of an entry that has none. */
  public static final long NO_KEY = RecordFrame.NO_KEY;
}
