package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * What a leader ships by InstallSnapshot for a group whose log is its data (a partition: its entries are
 * the records): the state machine's snapshot data plus the retained entries from the leader's first
 * index up to the snapshot index, with their indexes and terms. The follower then holds the same log
 * as the leader from that first index on, so it serves the same records at the same offsets.
 *
 * <p>Layout (big-endian): {@code magic long "CHRIMG01", stateLength int, state, firstIndex long,
 * prevTerm long (term of firstIndex-1), entryCount int, per entry: index long, term long, kind byte,
 * payloadLength int, payload; crc32c int} over everything before it. Entries are contiguous from
 * {@code firstIndex}. Decoding refuses anything else with a {@code reason=}.
 */
public record SnapshotImage(byte[] state, long firstIndex, long prevTerm, List<Entry> entries) {
  static final long MAGIC = 0x434852494d473031L; // "CHRIMG01"
  private static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;

  /** Index of the last shipped entry ({@code firstIndex - 1} when none). */
  public long lastIndex() {
    return firstIndex + entries.size() - 1;
  }

  public byte[] encode() {
    long size = 8 + 4 + state.length + 8 + 8 + 4 + 4L;
    for (Entry e : entries) {
      size += ENTRY_HEADER_BYTES + e.payload().length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("imageBytes=" + size + " reason=snapshot-image-too-large");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.putLong(MAGIC).putInt(state.length).put(state).putLong(firstIndex).putLong(prevTerm).putInt(entries.size());
    long expected = firstIndex;
    for (Entry e : entries) {
      if (e.index() != expected++) {
        throw new IllegalArgumentException("index=" + e.index() + " expected=" + (expected - 1)
            + " reason=snapshot-image-not-contiguous");
      }
      out.putLong(e.index()).putLong(e.term()).put((byte) e.type().ordinal()).putInt(e.payload().length)
          .put(e.payload());
    }
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** An image written by {@link #encode}; a damaged or foreign one fails with {@code reason=}. */
  public static SnapshotImage decode(byte[] bytes) {
    if (bytes.length < 8 + 4 + 8 + 8 + 4 + 4) {
      throw new IllegalArgumentException("bytes=" + bytes.length + " reason=truncated-snapshot-image");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getLong() != MAGIC) {
      throw new IllegalArgumentException("bytes=" + bytes.length + " reason=not-a-snapshot-image");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new IllegalArgumentException("bytes=" + bytes.length + " reason=snapshot-image-checksum-mismatch");
    }
    ByteBuffer body = ByteBuffer.wrap(bytes, 8, bytes.length - 12);
    try {
      byte[] state = take(body, body.getInt(), "state");
      long firstIndex = body.getLong();
      long prevTerm = body.getLong();
      int count = body.getInt();
      if (firstIndex < 1 || prevTerm < 0 || count < 0 || count > body.remaining() / ENTRY_HEADER_BYTES) {
        throw new IllegalArgumentException("firstIndex=" + firstIndex + " prevTerm=" + prevTerm + " entries=" + count
            + " reason=bad-snapshot-image-header");
      }
      List<Entry> entries = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long index = body.getLong();
        long term = body.getLong();
        int kind = body.get();
        if (index != firstIndex + i || kind < 0 || kind >= EntryType.values().length) {
          throw new IllegalArgumentException("index=" + index + " expected=" + (firstIndex + i) + " kind=" + kind
              + " reason=bad-snapshot-image-entry");
        }
        entries.add(new Entry(index, term, EntryType.values()[kind], take(body, body.getInt(), "payload")));
      }
      if (body.hasRemaining()) {
        throw new IllegalArgumentException("trailing=" + body.remaining() + " reason=trailing-bytes-after-snapshot-image");
      }
      return new SnapshotImage(state, firstIndex, prevTerm, entries);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("bytes=" + bytes.length + " reason=truncated-snapshot-image", e);
    }
  }

  private static byte[] take(ByteBuffer in, int length, String what) {
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException(what + "Length=" + length + " remaining=" + in.remaining()
          + " reason=truncated-snapshot-image");
    }
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
