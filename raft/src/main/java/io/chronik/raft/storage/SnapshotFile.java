package io.chronik.raft.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The latest two snapshots of a group: {@code snapshot} (newest) and {@code snapshot.prev} (the one
 * before). Each holds its index, term, an opaque metadata blob (e.g. the membership configuration) and
 * the state-machine data, all under one CRC32C. A store writes and forces {@code snapshot.tmp}, moves
 * {@code snapshot} to {@code snapshot.prev}, renames the temp file to {@code snapshot} and syncs the
 * directory, so after a crash the previous or the new snapshot is there, whole.
 *
 * <p>A newest snapshot that fails its checks (torn, truncated, bit flips) is never used: {@link #load}
 * names it in the log and falls back to {@code snapshot.prev}; only when both are damaged does it
 * throw {@link CorruptLogException}. Callers that drop log entries below a snapshot must keep the
 * entries above {@link #previousIndex()}, so that the fallback still has its log tail.
 */
public final class SnapshotFile {
  static final String FILE = "snapshot";
  static final String PREVIOUS = "snapshot.prev";
  private static final int MAGIC = 0x534e4131; // "SNA1"
  private static final System.Logger LOG = System.getLogger(SnapshotFile.class.getName());

  /** A stored snapshot; {@link #EMPTY} (index 0) means none. */
  public record Stored(long index, long term, byte[] metadata, byte[] data) {
    public static final Stored EMPTY = new Stored(0, 0, new byte[0], new byte[0]);
  }

  private final Disk disk;
  private final Path file;
  private final Path previous;
  private long previousIndex;
  /** The fallback's data (null when there is none), for callers whose compaction bound lies in it. */
  private byte[] previousData;
  private String fallbackReason = "";

  public SnapshotFile(Disk disk, Path directory) {
    this.disk = disk;
    this.file = directory.resolve(FILE);
    this.previous = directory.resolve(PREVIOUS);
  }

  /**
   * The newest whole snapshot: {@code snapshot}, or {@code snapshot.prev} when the newest is missing
   * (a crash between the two renames) or damaged (logged, see {@link #fallbackReason()}).
   */
  public Stored load() throws IOException {
    fallbackReason = "";
    Stored older = loadOne(previous);
    try {
      Stored newest = loadOne(file);
      if (newest != null) {
        previousIndex = older == null ? 0 : older.index();
        previousData = older == null ? null : older.data();
        return newest;
      }
    } catch (CorruptLogException damaged) {
      if (older == null) {
        throw damaged;
      }
      fallbackReason = "file=" + file + " reason=damaged-snapshot detail=[" + damaged.getMessage()
          + "] using=" + PREVIOUS + " index=" + older.index();
      LOG.log(Level.WARNING, fallbackReason);
    }
    previousIndex = 0;
    previousData = null;
    return older == null ? Stored.EMPTY : older;
  }

  /** Why the last {@link #load} did not use the newest file ("" when it did). */
  public String fallbackReason() {
    return fallbackReason;
  }

  /**
   * Index of the snapshot kept as fallback (0 if none): entries above it must stay in the log while
   * the newest snapshot could still turn out damaged.
   */
  public long previousIndex() {
    return previousIndex;
  }

  /**
   * The fallback snapshot's data, or null when there is none ({@link #previousIndex()} 0): a state
   * machine whose data bounds what it may drop (a partition's log start) bounds by the fallback too.
   */
  public byte[] previousData() {
    return previousData;
  }

  /** Deletes both generations, durably (a repair that cut entries they summarise). */
  public void deleteAll() throws IOException {
    disk.delete(file);
    disk.delete(previous);
    disk.syncDirectory(file.getParent());
    previousIndex = 0;
    previousData = null;
  }

  /** Durable when this returns; the snapshot stored before becomes the fallback. */
  public void store(Stored snapshot) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(24 + snapshot.metadata().length + snapshot.data().length);
    body.putLong(snapshot.index()).putLong(snapshot.term())
        .putInt(snapshot.metadata().length).put(snapshot.metadata())
        .putInt(snapshot.data().length).put(snapshot.data()).flip();
    Path tmp = ChecksummedFile.writeTemp(disk, file, MAGIC, body);
    Stored current = disk.exists(file) ? loadOrNull(file) : null;
    if (current != null) {
      disk.rename(file, previous); // replaces the older fallback
    }
    disk.rename(tmp, file);
    disk.syncDirectory(file.getParent());
    if (current != null) {
      previousIndex = current.index();
      previousData = current.data();
    }
  }

  /** A damaged current file is not worth keeping as a fallback (the older one stays). */
  private Stored loadOrNull(Path path) throws IOException {
    try {
      return loadOne(path);
    } catch (CorruptLogException damaged) {
      return null;
    }
  }

  private Stored loadOne(Path path) throws IOException {
    ByteBuffer body = ChecksummedFile.read(disk, path, MAGIC);
    if (body == null) {
      return null;
    }
    try {
      long index = body.getLong();
      long term = body.getLong();
      byte[] metadata = new byte[body.getInt()];
      body.get(metadata);
      byte[] data = new byte[body.getInt()];
      body.get(data);
      return new Stored(index, term, metadata, data);
    } catch (RuntimeException malformed) {
      throw new CorruptLogException(path.getFileName().toString(), 0, "malformed-body", malformed.toString());
    }
  }
}
