package io.chronik.raft.storage;

import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A leader's snapshot image as a follower receives it, streamed to {@value #PART_FILE} in the group
 * directory chunk by chunk instead of being held in memory.
 *
 * <p>Layout: a header ({@code magic long "CHRPART1", snapshot index long, term long, configLength int,
 * config, crc32c int} over the header) and the image bytes received so far. The file is forced at least
 * every {@code forceEveryBytes} (a segment's worth, at most {@link #FORCE_EVERY_BYTES_MAX}) and with the
 * last chunk; after each force {@value #PROGRESS_FILE}
 * (a {@link ChecksummedFile}) records the snapshot and the forced length, so a restarted follower resumes
 * from there (what was written after the last force may be torn and is cut off). With the last chunk the
 * whole image is read back once and checked against the leader's CRC32C (and, for a partition's
 * {@link SnapshotImage}, decoded to its end) by an {@link ImageCheck}, in line or on another thread, whose
 * verdict {@link #conclude} applies: a mismatch drops the file and is counted. A whole image is
 * then renamed to {@code install.image} by {@link #seal} — the crash-safe install ({@link ImageInstall}).
 */
final class ImagePart {
  static final String PART_FILE = "install.image.part";
  static final String PROGRESS_FILE = "install.progress";
  static final long PART_MAGIC = 0x4348525041525431L; // "CHRPART1"
  private static final int PROGRESS_MAGIC = 0x50524731; // "PRG1"
  /**
   * Most bytes written between forces: what a crash may cost a resumed transfer, and how long one force
   * holds the disk. Every other fsync of the device waits behind a force (produce acknowledgements of the
   * node's other partitions): with 8 MiB the 1 GB catch-up's produce p99 rose 5.6× and 10.3× in two runs,
   * with 1 MiB 1.8× and 6.2× in the same command on a busy machine (docs/REPLICATION.md).
   */
  static final long FORCE_EVERY_BYTES_MAX = 1L << 20;

  private final Disk disk;
  private final Path directory;
  private final long forceEveryBytes;
  private SnapshotMeta meta;
  private FileChannel channel;
  private long headerBytes;
  private long written;
  private long forced;
  private boolean whole;
  private long refused;
  private String lastRefusal = "";

  ImagePart(Disk disk, Path directory, long forceEveryBytes) {
    this.disk = disk;
    this.directory = directory;
    this.forceEveryBytes = Math.min(forceEveryBytes, FORCE_EVERY_BYTES_MAX);
  }

  /**
   * At open: resumes the image whose progress record survived, cut to its forced length; drops it when
   * it is not newer than the stored snapshot, and drops a part file without a (readable) record.
   */
  void load(long snapshotIndex) throws IOException {
    ByteBuffer body;
    try {
      body = ChecksummedFile.read(disk, directory.resolve(PROGRESS_FILE), PROGRESS_MAGIC);
    } catch (CorruptLogException torn) {
      body = null;
    }
    if (body == null || !disk.exists(directory.resolve(PART_FILE))) {
      discard();
      return;
    }
    SnapshotMeta stored = new SnapshotMeta(body.getLong(), body.getLong(), configuration(body));
    long forcedBytes = body.getLong();
    boolean storedWhole = body.get() == 1;
    if (stored.index() <= snapshotIndex) {
      discard();
      return;
    }
    channel = disk.open(directory.resolve(PART_FILE), false);
    headerBytes = header(stored).remaining();
    channel.truncate(headerBytes + forcedBytes);
    meta = stored;
    written = forcedBytes;
    forced = forcedBytes;
    whole = storedWhole;
  }

  /** See {@link io.chronik.raft.log.LogStorage#persistSnapshotChunk}; {@code decode}: the image is a {@link SnapshotImage}. */
  void persist(SnapshotChunk chunk, boolean decode) throws IOException {
    ImageCheck check = write(chunk, decode);
    if (check != null) {
      check.run();
      conclude(check);
    }
  }

  /**
   * Writes {@code chunk} (ignored unless it continues the image held, or starts one); after the last chunk
   * the file is forced and the returned check must run ({@link ImageCheck#run}, on any thread) and be
   * {@link #conclude}d before anything else is asked of this part. Null when no check is due.
   */
  ImageCheck write(SnapshotChunk chunk, boolean decode) throws IOException {
    if (chunk.offset() == 0) {
      start(chunk.meta()); // a first chunk starts the image anew, whatever was held
    } else if (!chunk.meta().equals(meta)) {
      return null;
    }
    if (whole || chunk.offset() != written) {
      return null;
    }
    ByteBuffer data = ByteBuffer.wrap(chunk.data());
    while (data.hasRemaining()) {
      channel.write(data, headerBytes + written + data.position());
    }
    written += chunk.data().length;
    if (chunk.last()) {
      channel.force(false);
      forced = written;
      return new ImageCheck(disk, directory.resolve(PART_FILE), headerBytes, written, meta, chunk.imageCrc(), decode);
    }
    if (written - forced >= forceEveryBytes) {
      channel.force(false);
      forced = written;
      writeProgress();
    }
    return null;
  }

  long received(SnapshotMeta of) {
    return of.equals(meta) ? written : 0;
  }

  boolean whole(SnapshotMeta of) {
    return whole && of.equals(meta);
  }

  long refused() {
    return refused;
  }

  /** Why the last image was refused ({@code reason=...}), empty when none was. */
  String lastRefusal() {
    return lastRefusal;
  }

  /** The whole image's bytes (a small image: a snapshot without entries); the part is dropped. */
  byte[] takeBytes() throws IOException {
    byte[] out = new byte[(int) written];
    Segment.readFully(channel, ByteBuffer.wrap(out), headerBytes);
    discard();
    return out;
  }

  /**
   * Renames the whole image to {@code target} and makes the name durable: from here the new state wins
   * ({@link ImageInstall#resume} applies it after a crash). Returns the image's size.
   */
  long seal(Path target) throws IOException {
    channel.close();
    channel = null;
    disk.rename(directory.resolve(PART_FILE), target);
    disk.syncDirectory(directory);
    disk.delete(directory.resolve(PROGRESS_FILE));
    long size = written;
    reset();
    return size;
  }

  /** Drops what is held; the deletions need no directory sync (a part without its record is dropped at open). */
  void discard() throws IOException {
    close();
    disk.delete(directory.resolve(PROGRESS_FILE));
    disk.delete(directory.resolve(PART_FILE));
    reset();
  }

  void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  /** The snapshot named by a part file's header and the header's length; a damaged header fails. */
  static SnapshotMeta readHeader(FileChannel in, long[] headerLength) throws IOException {
    ByteBuffer fixed = ByteBuffer.allocate(8 + 8 + 8 + 4);
    Segment.readFully(in, fixed, 0);
    fixed.flip();
    if (fixed.getLong() != PART_MAGIC) {
      throw new CorruptLogException(PART_FILE, 0, "bad-magic", "");
    }
    int configLength = fixed.getInt(24);
    if (configLength < 0 || configLength > 1 << 20) {
      throw new CorruptLogException(PART_FILE, 24, "bad-header", "configLength=" + configLength);
    }
    ByteBuffer all = ByteBuffer.allocate(28 + configLength + 4);
    Segment.readFully(in, all, 0);
    CRC32C crc = new CRC32C();
    crc.update(all.array(), 0, 28 + configLength);
    if ((int) crc.getValue() != all.getInt(28 + configLength)) {
      throw new CorruptLogException(PART_FILE, 28 + configLength, "crc-mismatch", "");
    }
    all.position(8);
    headerLength[0] = all.capacity();
    return new SnapshotMeta(all.getLong(), all.getLong(), configuration(all));
  }

  /** The image bytes of a part file from {@code offset}: read with positional reads, for decoding in order. */
  static InputStream imageStream(FileChannel in, long offset) {
    return new InputStream() {
      private long position = offset;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(ByteBuffer.wrap(b, off, len), position);
        if (n > 0) {
          position += n;
        }
        return n;
      }
    };
  }

  private void start(SnapshotMeta next) throws IOException {
    discard();
    ByteBuffer header = header(next);
    headerBytes = header.remaining();
    channel = disk.open(directory.resolve(PART_FILE), true);
    while (header.hasRemaining()) {
      channel.write(header, header.position());
    }
    channel.force(false);
    meta = next;
    writeProgress(); // its directory sync also makes the part's name durable
  }

  /**
   * Applies the verdict of {@code check} (ran): a whole image is recorded as such (a restart resumes it whole);
   * a damaged one is dropped and counted.
   */
  void conclude(ImageCheck check) throws IOException {
    if (!check.ran() || !check.meta().equals(meta) || check.bytes() != written) {
      throw new IllegalStateException("snapshotIndex=" + check.meta().index() + " bytes=" + check.bytes()
          + " held=" + written + " ran=" + check.ran() + " reason=image-check-does-not-match-part");
    }
    if (check.damage() != null) {
      refused++;
      lastRefusal = "snapshotIndex=" + meta.index() + " " + check.damage();
      System.getLogger(ImagePart.class.getName()).log(System.Logger.Level.WARNING,
          "dir=" + directory + " " + lastRefusal + " action=refuse-snapshot-image");
      discard();
      return;
    }
    whole = true;
    writeProgress();
  }

  private void writeProgress() throws IOException {
    byte[] config = DurableLogStorage.encodeConfiguration(meta.config());
    ByteBuffer body = ByteBuffer.allocate(8 + 8 + 4 + config.length + 8 + 1).putLong(meta.index()).putLong(meta.term())
        .putInt(config.length).put(config).putLong(forced).put((byte) (whole ? 1 : 0)).flip();
    ChecksummedFile.write(disk, directory.resolve(PROGRESS_FILE), PROGRESS_MAGIC, body);
  }

  private void reset() {
    meta = null;
    written = 0;
    forced = 0;
    whole = false;
    headerBytes = 0;
  }

  private static ByteBuffer header(SnapshotMeta meta) {
    byte[] config = DurableLogStorage.encodeConfiguration(meta.config());
    ByteBuffer out = ByteBuffer.allocate(28 + config.length + 4).putLong(PART_MAGIC).putLong(meta.index())
        .putLong(meta.term()).putInt(config.length).put(config);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    return out.putInt((int) crc.getValue()).flip();
  }

  private static Configuration configuration(ByteBuffer in) {
    byte[] config = new byte[in.getInt()];
    in.get(config);
    return DurableLogStorage.decodeConfiguration(config);
  }
}
