package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotWork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A follower's side of InstallSnapshot for one {@link DurableLogStorage}: the leader's image received into
 * an {@link ImagePart}, checked whole, sealed as {@code install.image} and installed into the group's log
 * and snapshot file ({@link ImageInstall}). The check and the writing of the image's entries either run in
 * line or, split by {@link #begin}, as an {@link ImageWork} on another thread.
 */
final class FollowerImage {
  private final Disk disk;
  private final Path directory;
  private final LogConfig config;
  private final SegmentedLog log;
  private final SnapshotFile snapshotFile;
  private final ToLongFunction<Entry> keyOf;
  private final ImagePart part;
  /** The work handed out by {@link #begin} and not completed yet (null: none). */
  private ImageWork outstanding;

  FollowerImage(Disk disk, Path directory, LogConfig config, SegmentedLog log, SnapshotFile snapshotFile,
      ToLongFunction<Entry> keyOf, long snapshotIndex) throws IOException {
    this.disk = disk;
    this.directory = directory;
    this.config = config;
    this.log = log;
    this.snapshotFile = snapshotFile;
    this.keyOf = keyOf;
    this.part = new ImagePart(disk, directory, config.segmentBytes());
    part.load(snapshotIndex);
  }

  /** {@code decode}: the image is a {@link SnapshotImage} (the storage ships retained entries). */
  void persist(SnapshotChunk chunk, boolean decode) throws IOException {
    idle();
    part.persist(chunk, decode);
  }

  long received(SnapshotMeta meta) {
    idle();
    return part.received(meta);
  }

  boolean whole(SnapshotMeta meta) {
    idle();
    return part.whole(meta);
  }

  long refused() {
    return part.refused();
  }

  String lastRefusal() {
    return part.lastRefusal();
  }

  /** The whole image's bytes (a snapshot without entries); the part is dropped. */
  byte[] takeBytes(SnapshotMeta meta) throws IOException {
    requireWhole(meta);
    return part.takeBytes();
  }

  /** Installs {@code meta}'s whole {@link SnapshotImage} in line: sealed, then applied to the log. */
  ImageInstall.Installed install(SnapshotMeta meta) throws IOException {
    requireWhole(meta);
    part.seal(directory.resolve(ImageInstall.INSTALL_FILE));
    return ImageInstall.applySealed(disk, directory, log, snapshotFile, keyOf);
  }

  /**
   * See {@link io.chronik.raft.log.LogStorage#beginSnapshotWork}, for a {@link SnapshotImage}: chunks ending
   * an image are written and their check handed out; an image to install (and no chunk: a small image that
   * arrived whole in one chunk installs in line) is sealed and the writing of its entries handed out.
   */
  SnapshotWork begin(List<SnapshotChunk> chunks, SnapshotMeta snapshot) throws IOException {
    idle();
    if (snapshot != null && chunks.isEmpty()) {
      requireWhole(snapshot);
      long size = part.seal(directory.resolve(ImageInstall.INSTALL_FILE)); // from here the new state wins
      outstanding = ImageWork.stage(disk, directory, config, keyOf, size);
      return outstanding;
    }
    if (snapshot != null || chunks.isEmpty() || !chunks.get(chunks.size() - 1).last()) {
      return null;
    }
    ImageCheck check = null;
    for (SnapshotChunk chunk : chunks) {
      ImageCheck due = part.write(chunk, true);
      check = due != null ? due : check;
    }
    outstanding = ImageWork.check(check);
    return outstanding;
  }

  /** See {@link io.chronik.raft.log.LogStorage#completeSnapshotWork}: the installed image, or null. */
  ImageInstall.Installed complete(SnapshotWork work) throws IOException {
    if (work != outstanding || outstanding == null) {
      throw new IllegalStateException("reason=snapshot-work-not-outstanding");
    }
    outstanding = null;
    ImageWork done = (ImageWork) work;
    done.rethrow();
    if (done.check() != null) {
      part.conclude(done.check());
      return null;
    }
    if (done.staged() == null) {
      return null; // chunks that did not continue the image: nothing was due
    }
    return ImageInstall.finish(disk, directory, log, snapshotFile, done.staged());
  }

  void close() throws IOException {
    part.close();
  }

  private void requireWhole(SnapshotMeta meta) {
    if (!part.whole(meta)) {
      throw new IllegalStateException("snapshotIndex=" + meta.index() + " reason=no-whole-image-received");
    }
  }

  /** The part belongs to a work handed out until it is completed. */
  private void idle() {
    if (outstanding != null) {
      throw new IllegalStateException("reason=snapshot-work-outstanding");
    }
  }
}
