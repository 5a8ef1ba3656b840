package io.chronik.raft.log;

import java.util.Arrays;

/**
 * A leader's snapshot image read in order, chunk by chunk, for one InstallSnapshot transfer
 * ({@link LogStorage#snapshotSource}): the image is never held whole unless the storage keeps it that
 * way anyway (a small snapshot). A source is pinned to the snapshot it was opened for.
 */
public interface SnapshotSource {

  /** The snapshot whose image this is. */
  SnapshotMeta meta();

  /**
   * The next {@code maxBytes} of the image, fewer only at its end (an empty array once it is exhausted).
   * Fails with {@link LogIndexException} when entries of the image were dropped since it was opened.
   */
  byte[] next(int maxBytes);

  /** A source over an image already in memory. */
  static SnapshotSource of(SnapshotMeta meta, byte[] image) {
    return new SnapshotSource() {
      private int position;

      @Override
      public SnapshotMeta meta() {
        return meta;
      }

      @Override
      public byte[] next(int maxBytes) {
        int end = (int) Math.min(image.length, (long) position + maxBytes);
        byte[] out = Arrays.copyOfRange(image, position, end);
        position = end;
        return out;
      }
    };
  }
}
