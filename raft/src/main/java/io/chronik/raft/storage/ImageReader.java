package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.SnapshotMeta;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CheckedInputStream;
import java.util.zip.CRC32C;

/**
 * Decodes a {@link SnapshotImage} of known size from a stream one entry at a time, so installing a
 * partition's image needs memory for one entry, not for the image. Every length is bounded by the bytes
 * that remain; the trailing CRC32C is checked after the last entry. Failures read {@code reason=}
 * (IllegalArgumentException), as {@link SnapshotImage#decode} does.
 */
final class ImageReader {
  private static final int ENTRY_HEADER_BYTES = 8 + 8 + 1 + 4;
  private final long imageBytes;
  private final CheckedInputStream checked;
  private final DataInputStream in;
  private long consumed;
  private byte[] state;
  private long firstIndex;
  private long prevTerm;
  private int count;
  private int read;
  private boolean finished;

  ImageReader(InputStream stream, long imageBytes) throws IOException {
    this.imageBytes = imageBytes;
    this.checked = new CheckedInputStream(new BufferedInputStream(stream, 64 * 1024), new CRC32C());
    this.in = new DataInputStream(checked);
    if (imageBytes < 8 + 4 + 8 + 8 + 4 + 4) {
      throw new IllegalArgumentException("bytes=" + imageBytes + " reason=truncated-snapshot-image");
    }
    try {
      if (in.readLong() != SnapshotImage.MAGIC) {
        throw new IllegalArgumentException("bytes=" + imageBytes + " reason=not-a-snapshot-image");
      }
      consumed = 8;
      state = bytes(readInt(), "state");
      firstIndex = readLong();
      prevTerm = readLong();
      count = readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException("bytes=" + imageBytes + " reason=truncated-snapshot-image", e);
    }
    if (firstIndex < 1 || prevTerm < 0 || count < 0 || count > remaining() / ENTRY_HEADER_BYTES) {
      throw new IllegalArgumentException("firstIndex=" + firstIndex + " prevTerm=" + prevTerm + " entries=" + count
          + " reason=bad-snapshot-image-header");
    }
  }

  byte[] state() {
    return state;
  }

  long firstIndex() {
    return firstIndex;
  }

  long prevTerm() {
    return prevTerm;
  }

  /** Index of the image's last entry ({@code firstIndex - 1} when it has none). */
  long lastIndex() {
    return firstIndex + count - 1;
  }

  /** The next entry, or null after the last one (then the trailing checksum has been checked). */
  Entry next() throws IOException {
    if (read == count) {
      if (!finished) {
        finish();
        finished = true;
      }
      return null;
    }
    try {
      long index = readLong();
      long term = readLong();
      int kind = in.readByte();
      consumed++;
      if (index != firstIndex + read || kind < 0 || kind >= EntryType.values().length) {
        throw new IllegalArgumentException("index=" + index + " expected=" + (firstIndex + read) + " kind=" + kind
            + " reason=bad-snapshot-image-entry");
      }
      read++;
      return new Entry(index, term, EntryType.values()[kind], bytes(readInt(), "payload"));
    } catch (EOFException e) {
      throw new IllegalArgumentException("bytes=" + imageBytes + " reason=truncated-snapshot-image", e);
    }
  }

  /**
   * Reads every entry and checks that the image ends at {@code meta} (its last entry, or its empty
   * log's previous entry, is the snapshot's index and term).
   */
  void checkEndsAt(SnapshotMeta meta) throws IOException {
    long lastTerm = prevTerm;
    for (Entry e = next(); e != null; e = next()) {
      lastTerm = e.term();
    }
    long last = count == 0 ? firstIndex - 1 : lastIndex();
    if (last != meta.index() || lastTerm != meta.term()) {
      throw new IllegalArgumentException("snapshotIndex=" + meta.index() + " snapshotTerm=" + meta.term()
          + " imageFirst=" + firstIndex + " imageLast=" + lastIndex() + " reason=image-does-not-end-at-snapshot");
    }
  }

  private void finish() throws IOException {
    if (remaining() != 4) {
      throw new IllegalArgumentException("trailing=" + (remaining() - 4) + " reason=trailing-bytes-after-snapshot-image");
    }
    int expected = (int) checked.getChecksum().getValue();
    try {
      if (in.readInt() != expected) {
        throw new IllegalArgumentException("bytes=" + imageBytes + " reason=snapshot-image-checksum-mismatch");
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("bytes=" + imageBytes + " reason=truncated-snapshot-image", e);
    }
  }

  private long remaining() {
    return imageBytes - consumed;
  }

  private long readLong() throws IOException {
    consumed += 8;
    return in.readLong();
  }

  private int readInt() throws IOException {
    consumed += 4;
    return in.readInt();
  }

  private byte[] bytes(int length, String what) throws IOException {
    if (length < 0 || length > remaining() - 4) {
      throw new IllegalArgumentException(what + "Length=" + length + " remaining=" + remaining()
          + " reason=truncated-snapshot-image");
    }
    byte[] out = new byte[length];
    in.readFully(out);
    consumed += length;
    return out;
  }
}
