package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A sliding read window over a segment file, so scans issue few large reads. */
final class SegmentReader {
  /** Allocated on first use: a node opens thousands of logs, and most are never scanned. */
  private ByteBuffer window;
  private final int windowBytes;
  private FileChannel channel;
  private long fileSize;
  private long windowStart;
  private int windowLength;

  SegmentReader(int windowBytes) {
    this.windowBytes = windowBytes;
  }

  /** Bytes of the first window; it doubles on each miss up to {@code windowBytes} (scans grow it, point reads do not). */
  static final int FIRST_WINDOW_BYTES = 4096;

  private ByteBuffer allocated() {
    if (window == null) {
      window = ByteBuffer.allocate(Math.min(FIRST_WINDOW_BYTES, windowBytes));
    }
    return window;
  }

  void reset(FileChannel channel, long fileSize) {
    this.channel = channel;
    this.fileSize = fileSize;
    this.windowStart = 0;
    this.windowLength = 0;
  }

  long fileSize() {
    return fileSize;
  }

  /**
   * Makes bytes {@code [position, position + bytes)} readable in {@link #buffer()} and returns the
   * offset of {@code position} in it, or -1 when the file ends before {@code position + bytes}.
   */
  int window(long position, int bytes) throws IOException {
    if (position + bytes > fileSize) {
      return -1;
    }
    if (position >= windowStart && position + bytes <= windowStart + windowLength) {
      return (int) (position - windowStart);
    }
    if (bytes > allocated().capacity()) {
      window = ByteBuffer.allocate(Integer.highestOneBit(bytes - 1) << 1);
    } else if (window.capacity() < windowBytes && windowLength > 0) {
      window = ByteBuffer.allocate(Math.min(windowBytes, window.capacity() * 2)); // a second miss: a scan
    }
    int length = (int) Math.min(window.capacity(), fileSize - position);
    window.clear().limit(length);
    Segment.readFully(channel, window, position);
    windowStart = position;
    windowLength = length;
    return 0;
  }

  ByteBuffer buffer() {
    return window;
  }

  /** Whether every byte from {@code position} to the end of the file is zero. */
  boolean zeroFrom(long position) throws IOException {
    for (long p = position; p < fileSize; ) {
      int chunk = (int) Math.min(allocated().capacity(), fileSize - p);
      int at = window(p, chunk);
      for (int i = 0; i < chunk; i++) {
        if (window.get(at + i) != 0) {
          return false;
        }
      }
      p += chunk;
    }
    return true;
  }
}
