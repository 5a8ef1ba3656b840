package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A small file replaced atomically: write {@code name.tmp}, fsync it, rename over {@code name},
 * fsync the directory. After a crash the file holds either the old or the new content, never a mix.
 * Layout: {@code magic int, length int, body, crc32c int} (CRC over magic, length and body).
 */
final class ChecksummedFile {
  static final String TMP_SUFFIX = ".tmp";

  private ChecksummedFile() {}

  static void write(Disk disk, Path file, int magic, ByteBuffer body) throws IOException {
    Path tmp = writeTemp(disk, file, magic, body);
    disk.rename(tmp, file);
    disk.syncDirectory(file.getParent());
  }

  /**
   * The same file, replaced by the same rename, but nothing forced: a reader of the name sees the old or
   * the new content whole, and after a power cut the file may be missing, empty or torn, which {@link
   * #read} reports as missing or damaged. For a file that only spares work when it is there (a {@link
   * LogSummary}), where two fsyncs per file would cost more than its loss.
   */
  static void writeUnforced(Disk disk, Path file, int magic, ByteBuffer body) throws IOException {
    disk.rename(writeTemp(disk, file, magic, body, false), file);
  }

  /**
   * Writes and forces {@code name.tmp} (not yet renamed): the caller renames it over {@code file}
   * and syncs the directory, possibly after moving the current file aside.
   */
  static Path writeTemp(Disk disk, Path file, int magic, ByteBuffer body) throws IOException {
    return writeTemp(disk, file, magic, body, true);
  }

  private static Path writeTemp(Disk disk, Path file, int magic, ByteBuffer body, boolean force) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    ByteBuffer content = ByteBuffer.allocate(12 + body.remaining());
    content.putInt(magic).putInt(body.remaining()).put(body.duplicate());
    CRC32C crc = new CRC32C();
    crc.update(content.array(), 0, content.position());
    content.putInt((int) crc.getValue()).flip();
    disk.delete(tmp);
    try (FileChannel channel = disk.open(tmp, true)) {
      long position = 0;
      while (content.hasRemaining()) {
        position += channel.write(content, position);
      }
      if (force) {
        channel.force(true);
      }
    }
    return tmp;
  }

  /** The body, or {@code null} if the file does not exist; a damaged file fails loudly. */
  static ByteBuffer read(Disk disk, Path file, int magic) throws IOException {
    if (!disk.exists(file)) {
      return null;
    }
    try (FileChannel channel = disk.open(file, false)) {
      long size = channel.size();
      if (size < 12 || size > Integer.MAX_VALUE) {
        throw new CorruptLogException(file.getFileName().toString(), 0, "short-file", "size=" + size);
      }
      ByteBuffer content = ByteBuffer.allocate((int) size);
      Segment.readFully(channel, content, 0);
      content.flip();
      int length = content.getInt(4);
      if (content.getInt(0) != magic || length != size - 12) {
        throw new CorruptLogException(file.getFileName().toString(), 0, "bad-header", "length=" + length);
      }
      CRC32C crc = new CRC32C();
      crc.update(content.array(), 0, 8 + length);
      if ((int) crc.getValue() != content.getInt(8 + length)) {
        throw new CorruptLogException(file.getFileName().toString(), 8 + length, "crc-mismatch", "");
      }
      return ByteBuffer.wrap(content.array(), 8, length).slice();
    }
  }
}
