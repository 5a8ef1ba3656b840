package io.chronik.raft.node;

import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reassembles a chunked InstallSnapshot on a follower. Each chunk is {@code crc32c int, data}
 * ({@link Replicator}). Chunks must arrive in order; a gap, a chunk of another snapshot or a chunk whose
 * checksum does not match abandons the current one (counted): the leader's snapshot progress times
 * out and it sends the snapshot again from its start. Nothing partial is ever handed on.
 */
final class SnapshotAssembly {
  private long chunksRefused;

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
    byte[] chunk = verified(m.chunk());
    if (chunk == null) {
      chunksRefused++;
      meta = null;
      size = 0;
      return null;
    }
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

  /** Chunks refused for a bad checksum since start. */
  long chunksRefused() {
    return chunksRefused;
  }

  private static byte[] verified(byte[] chunk) {
    if (chunk.length < 4) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(chunk, 4, chunk.length - 4);
    if ((int) crc.getValue() != ByteBuffer.wrap(chunk).getInt()) {
      return null;
    }
    return Arrays.copyOfRange(chunk, 4, chunk.length);
  }
}
