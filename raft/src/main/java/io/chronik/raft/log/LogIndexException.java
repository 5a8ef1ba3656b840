package io.chronik.raft.log;

/** Thrown when a log index is outside what storage holds (compacted away or beyond the last index). */
public final class LogIndexException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LogIndexException(long index, long firstIndex, long lastIndex, String reason) {
    super("index=" + index + " firstIndex=" + firstIndex + " lastIndex=" + lastIndex + " reason=" + reason);
  }
}
