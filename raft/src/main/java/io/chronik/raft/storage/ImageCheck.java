package io.chronik.raft.storage;

import io.chronik.raft.log.SnapshotMeta;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * The whole-image check of a received leader image, once its last chunk is in the part file: the bytes are
 * read back once and compared with the leader's CRC32C (and, for a partition's {@link SnapshotImage},
 * decoded to their end). Reads the part file through a channel of its own and touches no other state, so it
 * may run on any thread while no chunk is written ({@link ImagePart#conclude} applies the verdict on the
 * log's thread). Reading a 1 GiB image back takes seconds.
 */
final class ImageCheck {
  private final Disk disk;
  private final Path file;
  private final long headerBytes;
  private final long bytes;
  private final SnapshotMeta meta;
  private final int imageCrc;
  private final boolean decode;
  /** Why the image is refused ({@code key=value ... reason=...}), null when it checked out; set by {@link #run}. */
  private String damage;
  private boolean ran;

  ImageCheck(Disk disk, Path file, long headerBytes, long bytes, SnapshotMeta meta, int imageCrc, boolean decode) {
    this.disk = disk;
    this.file = file;
    this.headerBytes = headerBytes;
    this.bytes = bytes;
    this.meta = meta;
    this.imageCrc = imageCrc;
    this.decode = decode;
  }

  /** Reads the image and records the verdict. */
  void run() throws IOException {
    try (FileChannel in = disk.open(file, false)) {
      CheckedInputStream stream = new CheckedInputStream(ImagePart.imageStream(in, headerBytes), new CRC32C());
      String found = null;
      try {
        if (decode) {
          new ImageReader(stream, bytes).checkEndsAt(meta);
        }
      } catch (IllegalArgumentException e) {
        found = e.getMessage();
      }
      stream.transferTo(OutputStream.nullOutputStream());
      if ((int) stream.getChecksum().getValue() != imageCrc) {
        found = "bytes=" + bytes + " reason=snapshot-image-crc-mismatch";
      }
      damage = found;
      ran = true;
    }
  }

  boolean ran() {
    return ran;
  }

  /** Null when the image checked out. */
  String damage() {
    return damage;
  }

  SnapshotMeta meta() {
    return meta;
  }

  long bytes() {
    return bytes;
  }
}
