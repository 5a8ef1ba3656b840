package io.chronik.raft.storage;

/**
 * Tuning of one {@link SegmentedLog}.
 *
 * @param segmentBytes size a segment is rolled at (≤ 1 GiB)
 * @param indexIntervalBytes bytes between two sparse-index samples (by index and by key)
 * @param writeBufferBytes appends are staged in a buffer of this size before reaching the OS
 * @param preallocate zero-fill the next segment ahead, on the executor given to {@link
 *     SegmentedLog#prepareSparesOn} ({@link SegmentSpare}), so appends write into allocated blocks
 * @param cleanShutdown the process that last wrote the log forced all of it and its directory and
 *     recorded so ({@link CleanShutdown}): recovery forces only what it changes itself. Per open, never a
 *     default: a log whose last writer crashed may hold bytes that are only in the page cache.
 */
public record LogConfig(int segmentBytes, int indexIntervalBytes, int writeBufferBytes, boolean preallocate,
    boolean cleanShutdown) {

  public LogConfig {
    if (segmentBytes < 4096 || segmentBytes > (1 << 30)) {
      throw new IllegalArgumentException("segmentBytes=" + segmentBytes + " reason=out-of-range-4KiB-1GiB");
    }
    if (indexIntervalBytes < 1 || writeBufferBytes < RecordFrame.HEADER_BYTES) {
      throw new IllegalArgumentException("indexIntervalBytes=" + indexIntervalBytes
          + " writeBufferBytes=" + writeBufferBytes + " reason=too-small");
    }
  }

  public LogConfig(int segmentBytes, int indexIntervalBytes, int writeBufferBytes, boolean preallocate) {
    this(segmentBytes, indexIntervalBytes, writeBufferBytes, preallocate, false);
  }

  public static LogConfig defaults() {
    return new LogConfig(64 << 20, 4096, 256 << 10, true);
  }

  public LogConfig withSegmentBytes(int bytes) {
    return new LogConfig(bytes, indexIntervalBytes, writeBufferBytes, preallocate, cleanShutdown);
  }

  public LogConfig withWriteBufferBytes(int bytes) {
    return new LogConfig(segmentBytes, indexIntervalBytes, bytes, preallocate, cleanShutdown);
  }

  public LogConfig withPreallocate(boolean on) {
    return new LogConfig(segmentBytes, indexIntervalBytes, writeBufferBytes, on, cleanShutdown);
  }

  public LogConfig withCleanShutdown(boolean clean) {
    return new LogConfig(segmentBytes, indexIntervalBytes, writeBufferBytes, preallocate, clean);
  }

  /** Largest payload one entry may carry: a frame never spans segments. */
  public int payloadBytesMax() {
    return segmentBytes - RecordFrame.HEADER_BYTES;
  }
}
