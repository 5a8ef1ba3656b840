package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * Applies a leader's whole {@link SnapshotImage} from {@code install.image} (a sealed {@link ImagePart}):
 * the log becomes the image's entries, decoded from the file one at a time, then the snapshot is stored
 * and the file deleted. Every step is idempotent, so a crash anywhere after the file got its name is
 * finished at the next open ({@link #resume}). In line ({@link #applySealed}), or split: the entries written
 * to a {@link StagedLog} on another thread ({@link #stage}), then adopted on the log's ({@link #finish}).
 */
final class ImageInstall {
  /** Written (whole and checked) before a leader's image is applied, deleted after. */
  static final String INSTALL_FILE = "install.image";
  /** The first install file format (a {@link ChecksummedFile} holding the image), still read at open. */
  private static final int INSTALL_MAGIC_V0 = 0x494e5331; // "INS1"

  record Installed(SnapshotMeta meta, byte[] state) {}

  private ImageInstall() {}

  /**
   * At open: a crash after an image was sealed but before it was applied to the log and the snapshot
   * file — apply it again. A torn temp file of the first format means the crash came before it was whole.
   */
  static Installed resume(Disk disk, Path directory, SegmentedLog log, SnapshotFile snapshotFile,
      ToLongFunction<Entry> keyOf) throws IOException {
    Path file = directory.resolve(INSTALL_FILE);
    disk.delete(file.resolveSibling(INSTALL_FILE + ChecksummedFile.TMP_SUFFIX));
    if (!disk.exists(file)) {
      return null;
    }
    Installed installed;
    try (FileChannel in = disk.open(file, false)) {
      ByteBuffer magic = ByteBuffer.allocate(4);
      Segment.readFully(in, magic, 0);
      if (magic.getInt(0) == INSTALL_MAGIC_V0) {
        installed = null;
      } else {
        long[] headerBytes = new long[1];
        SnapshotMeta meta = ImagePart.readHeader(in, headerBytes);
        log(directory, meta);
        installed = apply(disk, directory, log, snapshotFile, keyOf, meta,
            ImagePart.imageStream(in, headerBytes[0]), in.size() - headerBytes[0]);
      }
    }
    if (installed == null) {
      ByteBuffer body = ChecksummedFile.read(disk, file, INSTALL_MAGIC_V0);
      SnapshotMeta meta = new SnapshotMeta(body.getLong(), body.getLong(),
          DurableLogStorage.decodeConfiguration(take(body, body.getInt())));
      log(directory, meta);
      byte[] image = take(body, body.remaining());
      installed = apply(disk, directory, log, snapshotFile, keyOf, meta, new ByteArrayInputStream(image), image.length);
    }
    return installed;
  }

  /** Applies {@code install.image} right after {@link ImagePart#seal}. */
  static Installed applySealed(Disk disk, Path directory, SegmentedLog log, SnapshotFile snapshotFile,
      ToLongFunction<Entry> keyOf) throws IOException {
    try (FileChannel in = disk.open(directory.resolve(INSTALL_FILE), false)) {
      long[] headerBytes = new long[1];
      SnapshotMeta meta = ImagePart.readHeader(in, headerBytes);
      return apply(disk, directory, log, snapshotFile, keyOf, meta, ImagePart.imageStream(in, headerBytes[0]),
          in.size() - headerBytes[0]);
    }
  }

  /** The log becomes the image's entries, then the snapshot is stored, then the install file goes. */
  private static Installed apply(Disk disk, Path directory, SegmentedLog log, SnapshotFile snapshotFile,
      ToLongFunction<Entry> keyOf, SnapshotMeta meta, InputStream image, long imageBytes) throws IOException {
    ImageReader reader = new ImageReader(image, imageBytes);
    log.reset(reader.firstIndex(), reader.prevTerm());
    for (Entry e = reader.next(); e != null; e = reader.next()) {
      log.append(e.index(), e.term(), keyOf.applyAsLong(e), e.type().ordinal(), ByteBuffer.wrap(e.payload()));
    }
    log.sync();
    return storeSnapshot(disk, directory, snapshotFile, meta, reader.state());
  }

  /** A sealed image with its entries written to a {@link StagedLog}, not yet adopted by the group's log. */
  record Staged(SnapshotMeta meta, byte[] state, StagedLog log, long imageBytes) {}

  /**
   * Any thread, while the group's log is left alone by it: reads {@code install.image} (sealed) and writes
   * its entries to staged segments. Touches no file but those two kinds; {@link #finish} completes it.
   */
  static Staged stage(Disk disk, Path directory, LogConfig config, ToLongFunction<Entry> keyOf) throws IOException {
    try (FileChannel in = disk.open(directory.resolve(INSTALL_FILE), false)) {
      long[] headerBytes = new long[1];
      SnapshotMeta meta = ImagePart.readHeader(in, headerBytes);
      long imageBytes = in.size() - headerBytes[0];
      ImageReader reader = new ImageReader(ImagePart.imageStream(in, headerBytes[0]), imageBytes);
      StagedLog staged = StagedLog.write(disk, directory, config, reader, keyOf);
      return new Staged(meta, reader.state(), staged, imageBytes);
    }
  }

  /** On the log's thread: the log adopts the staged entries, then the snapshot is stored and the file goes. */
  static Installed finish(Disk disk, Path directory, SegmentedLog log, SnapshotFile snapshotFile, Staged staged)
      throws IOException {
    staged.log().adoptInto(log);
    return storeSnapshot(disk, directory, snapshotFile, staged.meta(), staged.state());
  }

  /**
   * At open, before the log is recovered: with {@code install.image} present the log is about to be replaced
   * by it ({@link #resume}), so the segments (perhaps half adopted from a {@link StagedLog}) and staged files
   * go first; recovery must not judge a log the install throws away.
   */
  static void clearForResume(Disk disk, Path directory) throws IOException {
    if (!disk.exists(directory.resolve(INSTALL_FILE))) {
      return;
    }
    StagedLog.deleteLeftovers(disk, directory);
    for (String name : disk.list(directory)) {
      if (Segment.parseBase(name) >= 0) {
        disk.delete(directory.resolve(name));
      }
    }
    disk.syncDirectory(directory);
  }

  private static Installed storeSnapshot(Disk disk, Path directory, SnapshotFile snapshotFile, SnapshotMeta meta,
      byte[] state) throws IOException {
    SnapshotFile.Stored stored = new SnapshotFile.Stored(meta.index(), meta.term(),
        DurableLogStorage.encodeConfiguration(meta.config()), state);
    // twice: the fallback generation must be this snapshot too, since the log no longer covers the old one
    snapshotFile.store(stored);
    snapshotFile.store(stored);
    disk.delete(directory.resolve(INSTALL_FILE));
    disk.syncDirectory(directory);
    return new Installed(meta, state);
  }

  private static void log(Path directory, SnapshotMeta meta) {
    System.getLogger(DurableLogStorage.class.getName()).log(System.Logger.Level.WARNING,
        "dir=" + directory + " snapshotIndex=" + meta.index() + " reason=interrupted-snapshot-install action=apply-again");
  }

  private static byte[] take(ByteBuffer in, int length) {
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
