package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The hard states of every Raft group of a node in one append-only file, {@code hardstate.journal}:
 * a group's term or vote change appends one small record, and {@link #sync} writes all records staged
 * since the last sync and forces the file once. A thousand groups electing at once therefore cost one
 * write and one fsync instead of a thousand atomic file replacements (two fsyncs and a rename each),
 * which is what turned a 1,024-partition cluster into an election storm.
 *
 * <p>Record: {@code length int, body, crc32c int} (CRC over length and body); body:
 * {@code keyLength short, key UTF-8, term long, vote int, commit long}; a term of -1 is a tombstone
 * (the group was removed). The last record of a key wins. Recovery cuts a torn tail (an incomplete
 * last record, or a last record failing its CRC: the only write a crash can tear is the last one);
 * a bad record followed by more data is corruption and refuses to open. The file is rewritten
 * (temp file, fsync, rename, directory fsync) when it grows past {@link #compactionBytes}.
 *
 * <p>Driver thread only, like the groups' storages.
 */
public final class HardStateJournal implements AutoCloseable {
  public static final String FILE = "hardstate.journal";
  private static final long TOMBSTONE = -1;
  private static final int BODY_FIXED_BYTES = 2 + 8 + 4 + 8;
  private static final int KEY_BYTES_MAX = 1024;
  private static final long COMPACTION_BYTES_MIN = 1 << 20;

  private final Disk disk;
  private final Path directory;
  private final Path file;
  private final Map<String, HardStateFile.Stored> latest;
  private FileChannel channel;
  private long size;
  private ByteBuffer staged = ByteBuffer.allocate(4096);
  private long syncs;
  private long compactions;

  private HardStateJournal(Disk disk, Path directory, Map<String, HardStateFile.Stored> latest, FileChannel channel,
      long size) {
    this.disk = disk;
    this.directory = directory;
    this.file = directory.resolve(FILE);
    this.latest = latest;
    this.channel = channel;
    this.size = size;
  }

  /** Opens (recovering) or creates the journal in {@code directory}. */
  public static HardStateJournal open(Disk disk, Path directory) throws IOException {
    disk.createDirectoriesDurably(directory);
    Path file = directory.resolve(FILE);
    disk.delete(file.resolveSibling(FILE + ChecksummedFile.TMP_SUFFIX)); // an interrupted compaction
    boolean existed = disk.exists(file);
    FileChannel channel = disk.open(file, true);
    if (!existed) {
      disk.syncDirectory(directory); // the name must survive a crash before any record in it counts
    }
    Map<String, HardStateFile.Stored> latest = new HashMap<>();
    long end = recover(channel, latest);
    if (end < channel.size()) {
      channel.truncate(end);
      channel.force(true);
    }
    return new HardStateJournal(disk, directory, latest, channel, end);
  }

  /** Reads every record into {@code latest}; returns where the valid records end. */
  private static long recover(FileChannel channel, Map<String, HardStateFile.Stored> latest) throws IOException {
    long fileSize = channel.size();
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, fileSize));
    Segment.readFully(channel, all, 0);
    all.flip();
    int position = 0;
    while (position + 4 <= all.limit()) {
      int length = all.getInt(position);
      int recordEnd = position + 4 + length + 4;
      if (length < BODY_FIXED_BYTES || length > BODY_FIXED_BYTES + KEY_BYTES_MAX || recordEnd > all.limit()) {
        break; // torn: the length or the record did not fully reach the disk
      }
      CRC32C crc = new CRC32C();
      crc.update(all.array(), position, 4 + length);
      if ((int) crc.getValue() != all.getInt(position + 4 + length)) {
        if (recordEnd < all.limit()) {
          throw new CorruptLogException(FILE, position, "crc-mismatch", "followedByBytes=" + (all.limit() - recordEnd));
        }
        break; // the last record was torn
      }
      readBody(all.slice(position + 4, length), latest);
      position = recordEnd;
    }
    return position;
  }

  private static void readBody(ByteBuffer body, Map<String, HardStateFile.Stored> latest) throws IOException {
    int keyLength = body.getShort() & 0xffff;
    if (keyLength != body.remaining() - (BODY_FIXED_BYTES - 2)) {
      throw new CorruptLogException(FILE, 0, "bad-key-length", "keyLength=" + keyLength);
    }
    byte[] key = new byte[keyLength];
    body.get(key);
    long term = body.getLong();
    int vote = body.getInt();
    long commit = body.getLong();
    String name = new String(key, StandardCharsets.UTF_8);
    if (term == TOMBSTONE) {
      latest.remove(name);
    } else {
      latest.put(name, new HardStateFile.Stored(term, vote, commit));
    }
  }

  /** The store of group {@code key} (e.g. its directory name); stable across restarts. */
  public HardStateStore slot(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > KEY_BYTES_MAX) {
      throw new IllegalArgumentException("key=" + key + " reason=key-length-out-of-range max=" + KEY_BYTES_MAX);
    }
    return new Slot(key, bytes);
  }

  /** Drops group {@code key}'s hard state (the group was deleted); durable after the next sync. */
  public void forget(String key) {
    if (latest.remove(key) != null) {
      stageRecord(key.getBytes(StandardCharsets.UTF_8), new HardStateFile.Stored(TOMBSTONE, -1, 0));
    }
  }

  /** Groups with a hard state in the journal. */
  public int groups() {
    return latest.size();
  }

  /** Forces performed (one per sync that had staged records). */
  public long syncs() {
    return syncs;
  }

  public long compactions() {
    return compactions;
  }

  /** The journal's size on disk past which {@link #sync} rewrites it with only the live records. */
  long compactionBytes() {
    return Math.max(COMPACTION_BYTES_MIN, 8L * latest.size() * (BODY_FIXED_BYTES + 8 + 64));
  }

  /**
   * Makes every staged record durable with one write and one force; returns false when nothing was
   * staged (no I/O).
   */
  public boolean sync() throws IOException {
    if (staged.position() == 0) {
      return false;
    }
    staged.flip();
    while (staged.hasRemaining()) {
      size += channel.write(staged, size);
    }
    staged.clear();
    channel.force(false); // fdatasync: the data and the file size it needs
    syncs++;
    if (size > compactionBytes()) {
      compact();
    }
    return true;
  }

  private void compact() throws IOException {
    Path tmp = file.resolveSibling(FILE + ChecksummedFile.TMP_SUFFIX);
    disk.delete(tmp);
    for (Map.Entry<String, HardStateFile.Stored> e : new LinkedHashMap<>(latest).entrySet()) {
      stageRecord(e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue());
    }
    staged.flip();
    long written = 0;
    try (FileChannel out = disk.open(tmp, true)) {
      while (staged.hasRemaining()) {
        written += out.write(staged, written);
      }
      out.force(true);
    } finally {
      staged.clear();
    }
    channel.close();
    disk.rename(tmp, file);
    disk.syncDirectory(directory);
    channel = disk.open(file, false);
    size = written;
    compactions++;
  }

  private void stageRecord(byte[] key, HardStateFile.Stored state) {
    int length = BODY_FIXED_BYTES + key.length;
    if (staged.remaining() < length + 8) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(staged.capacity() * 2, staged.position() + length + 8));
      staged.flip();
      bigger.put(staged);
      staged = bigger;
    }
    int start = staged.position();
    staged.putInt(length).putShort((short) key.length).put(key).putLong(state.term()).putInt(state.vote())
        .putLong(state.commit());
    CRC32C crc = new CRC32C();
    crc.update(staged.array(), start, 4 + length);
    staged.putInt((int) crc.getValue());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** One group's view of the journal. */
  private final class Slot implements HardStateStore {
    private final String key;
    private final byte[] keyBytes;

    Slot(String key, byte[] keyBytes) {
      this.key = key;
      this.keyBytes = keyBytes;
    }

    @Override
    public HardStateFile.Stored load() {
      return latest.getOrDefault(key, HardStateFile.Stored.EMPTY);
    }

    @Override
    public void stage(HardStateFile.Stored state) {
      latest.put(key, state);
      stageRecord(keyBytes, state);
    }

    @Override
    public void flush() throws IOException {
      sync();
    }
  }
}
