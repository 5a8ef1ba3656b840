package io.chronik.raft.node;

import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import java.util.Arrays;

/**
 * Reassembles a chunked InstallSnapshot on a follower. Chunks must arrive in order; a gap or a chunk
 * of another snapshot abandons the current one silently: the leader's snapshot progress times out
 * and it sends the snapshot again.
 */
final class SnapshotAssembly {

  private SnapshotMeta meta;
  private byte[] buffer = new byte[0];
  private int size;

  /** Returns the complete snapshot bytes when {@code m} was the last chunk, else null. */
  byte[] accept(Message m) {
    if (m.chunkOffset() == 0) {
      meta = m.snapshot();
      size = 0;
    } else if (meta == null || !meta.equals(m.snapshot()) || m.chunkOffset() != size) {
      return null;
    }
    byte[] chunk = m.chunk();
    if (buffer.length < size + chunk.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + chunk.length));
    }
    System.arraycopy(chunk, 0, buffer, size, chunk.length);
    size += chunk.length;
    if (!m.lastChunk()) {
      return null;
    }
    byte[] out = Arrays.copyOf(buffer, size);
    meta = null;
    size = 0;
    buffer = new byte[0];
    return out;
  }
}
