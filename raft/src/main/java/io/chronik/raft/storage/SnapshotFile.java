package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The latest snapshot of a group in file {@code snapshot}: its index, term, an opaque metadata blob
 * (e.g. the membership configuration) and the state-machine data, all under one CRC32C, replaced
 * atomically. After a crash the previous or the new snapshot is there, whole.
 */
public final class SnapshotFile {
  static final String FILE = "snapshot";
  private static final int MAGIC = 0x534e4131; // "SNA1"

  /** A stored snapshot; {@link #EMPTY} (index 0) means none. */
  public record Stored(long index, long term, byte[] metadata, byte[] data) {
    public static final Stored EMPTY = new Stored(0, 0, new byte[0], new byte[0]);
  }

  private final Disk disk;
  private final Path file;

  public SnapshotFile(Disk disk, Path directory) {
    this.disk = disk;
    this.file = directory.resolve(FILE);
  }

  public Stored load() throws IOException {
    ByteBuffer body = ChecksummedFile.read(disk, file, MAGIC);
    if (body == null) {
      return Stored.EMPTY;
    }
    long index = body.getLong();
    long term = body.getLong();
    byte[] metadata = new byte[body.getInt()];
    body.get(metadata);
    byte[] data = new byte[body.getInt()];
    body.get(data);
    return new Stored(index, term, metadata, data);
  }

  /** Durable when this returns. */
  public void store(Stored snapshot) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(24 + snapshot.metadata().length + snapshot.data().length);
    body.putLong(snapshot.index()).putLong(snapshot.term())
        .putInt(snapshot.metadata().length).put(snapshot.metadata())
        .putInt(snapshot.data().length).put(snapshot.data()).flip();
    ChecksummedFile.write(disk, file, MAGIC, body);
  }
}
