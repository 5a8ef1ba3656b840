package io.chronik.raft.log;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The chunks of a leader's snapshot image received so far, in memory (for {@link MemoryLogStorage}):
 * the in-memory twin of the durable part file. A chunk of another snapshot restarts it, a chunk that
 * does not continue it is ignored, and a last chunk whose whole-image checksum does not match drops
 * what was received (counted).
 */
final class ReceivedImage {
  private SnapshotMeta meta;
  private byte[] bytes = new byte[0];
  private int size;
  private boolean whole;
  private long refused;

  void persist(SnapshotChunk chunk) {
    if (chunk.offset() == 0) {
      meta = chunk.meta(); // a first chunk starts the image anew, whatever was held
      size = 0;
      whole = false;
    } else if (!chunk.meta().equals(meta)) {
      return;
    }
    if (whole || chunk.offset() != size) {
      return;
    }
    if (bytes.length < size + chunk.data().length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + chunk.data().length));
    }
    System.arraycopy(chunk.data(), 0, bytes, size, chunk.data().length);
    size += chunk.data().length;
    if (chunk.last()) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, size);
      whole = (int) crc.getValue() == chunk.imageCrc();
      if (!whole) {
        refused++;
        meta = null;
        size = 0;
      }
    }
  }

  long received(SnapshotMeta of) {
    return of.equals(meta) ? size : 0;
  }

  boolean whole(SnapshotMeta of) {
    return whole && of.equals(meta);
  }

  /** The whole image of {@code of}, handed over once: the receiver starts empty again. */
  byte[] take(SnapshotMeta of) {
    if (!whole(of)) {
      throw new IllegalStateException("snapshotIndex=" + of.index() + " reason=no-whole-image-received");
    }
    byte[] out = Arrays.copyOf(bytes, size);
    bytes = new byte[0];
    meta = null;
    whole = false;
    size = 0;
    return out;
  }

  long refused() {
    return refused;
  }
}
