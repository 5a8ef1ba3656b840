package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Payloads of entries {@code firstIndex .. lastIndex} as regions of one segment file, for
 * zero-copy sends: {@link #transferTo} uses {@link FileChannel#transferTo} (sendfile on Linux), and a
 * Netty caller can wrap each region as a {@code DefaultFileRegion(channel(), position(i), length(i))}.
 * Valid until the log truncates or deletes that segment; the caller must not close the channel.
 */
public final class LogSlice {
  private final FileChannel channel;
  private final long firstIndex;
  private final long lastIndex;
  private final List<long[]> regions;

  LogSlice(FileChannel channel, long firstIndex, long lastIndex, List<long[]> regions) {
    this.channel = channel;
    this.firstIndex = firstIndex;
    this.lastIndex = lastIndex;
    this.regions = List.copyOf(regions);
  }

  public FileChannel channel() {
    return channel;
  }

  public long firstIndex() {
    return firstIndex;
  }

  public long lastIndex() {
    return lastIndex;
  }

  /** Number of entries (regions). */
  public int count() {
    return regions.size();
  }

  public long position(int entry) {
    return regions.get(entry)[0];
  }

  public int length(int entry) {
    return (int) regions.get(entry)[1];
  }

  public long totalBytes() {
    long total = 0;
    for (long[] region : regions) {
      total += region[1];
    }
    return total;
  }

  /** Writes every payload, in order, to {@code target} without copying through the heap. */
  public long transferTo(WritableByteChannel target) throws IOException {
    long total = 0;
    for (long[] region : regions) {
      for (long done = 0; done < region[1]; ) {
        long n = channel.transferTo(region[0] + done, region[1] - done, target);
        if (n <= 0) {
          throw new IOException("position=" + (region[0] + done) + " reason=transfer-stalled");
        }
        done += n;
      }
      total += region[1];
    }
    return total;
  }
}
