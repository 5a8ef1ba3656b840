package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The Raft hard state (term, vote, commit) in file {@code hardstate}, replaced atomically
 * (temp file, fsync, rename, fsync directory) and checksummed. A damaged file fails loudly: it was
 * written atomically, so damage is real corruption, not a torn write.
 */
public final class HardStateFile implements HardStateStore {
  static final String FILE = "hardstate";
  private static final int MAGIC = 0x48535431; // "HST1"

  /** Stored hard state; {@code vote} is a node id or -1. */
  public record Stored(long term, int vote, long commit) {
    public static final Stored EMPTY = new Stored(0, -1, 0);
  }

  private final Disk disk;
  private final Path file;

  public HardStateFile(Disk disk, Path directory) {
    this.disk = disk;
    this.file = directory.resolve(FILE);
  }

  @Override
  public Stored load() throws IOException {
    ByteBuffer body = ChecksummedFile.read(disk, file, MAGIC);
    if (body == null) {
      return Stored.EMPTY;
    }
    return new Stored(body.getLong(0), body.getInt(8), body.getLong(12));
  }

  /** Durable when this returns. */
  public void store(Stored state) throws IOException {
    stage(state);
  }

  /** Durable when this returns (one temp file, two fsyncs, one rename). */
  @Override
  public void stage(Stored state) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(20).putLong(state.term()).putInt(state.vote())
        .putLong(state.commit()).flip();
    ChecksummedFile.write(disk, file, MAGIC, body);
  }

  @Override
  public void flush() {
    // every stage() was durable when it returned
  }
}
