package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotWork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * The slow half of receiving or installing a leader image ({@link FollowerImage#begin}): an {@link ImageCheck}
 * reading the part file back, or {@link ImageInstall#stage} writing the sealed image's entries to a
 * {@link StagedLog}. Its fields are written by the thread that runs it and read by the driver after the
 * hand-back (a queue between them orders the two).
 */
final class ImageWork implements SnapshotWork {
  private final ImageCheck check;
  private final Disk disk;
  private final Path directory;
  private final LogConfig config;
  private final ToLongFunction<Entry> keyOf;
  private final long imageBytes;
  private ImageInstall.Staged staged;
  private Throwable failure;

  private ImageWork(ImageCheck check, Disk disk, Path directory, LogConfig config, ToLongFunction<Entry> keyOf,
      long imageBytes) {
    this.check = check;
    this.disk = disk;
    this.directory = directory;
    this.config = config;
    this.keyOf = keyOf;
    this.imageBytes = imageBytes;
  }

  /** Checks a received image; {@code check} null: the chunks were not continuing it, nothing to do. */
  static ImageWork check(ImageCheck check) {
    return new ImageWork(check, null, null, null, null, 0);
  }

  /** Writes the entries of the image sealed in {@code directory} to staged segments. */
  static ImageWork stage(Disk disk, Path directory, LogConfig config, ToLongFunction<Entry> keyOf, long imageBytes) {
    return new ImageWork(null, disk, directory, config, keyOf, imageBytes);
  }

  @Override
  public void run() {
    try {
      if (check != null) {
        check.run();
      } else if (disk != null) {
        staged = ImageInstall.stage(disk, directory, config, keyOf);
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
  }

  /** Throws what {@link #run} failed with, as the storage's unchecked I/O failure. */
  void rethrow() throws IOException {
    if (failure instanceof IOException e) {
      throw e;
    } else if (failure instanceof RuntimeException e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    }
    if (check != null ? !check.ran() : disk != null && staged == null) {
      throw new IllegalStateException("reason=snapshot-work-completed-before-it-ran");
    }
  }

  ImageCheck check() {
    return check;
  }

  ImageInstall.Staged staged() {
    return staged;
  }

  /** The sealed image's size in bytes (0 for a check). */
  long imageBytes() {
    return imageBytes;
  }
}
