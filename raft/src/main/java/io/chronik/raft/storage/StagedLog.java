package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.ToLongFunction;

/**
 * A leader image's entries written, forced and indexed in segment files of their own
 * ({@code <base index>.log.staged}) in the group directory, by a thread other than the log's: no one
 * else reads or writes those files, and recovery does not take them for segments. The log's thread then
 * {@link #adoptInto adopts} them: the log is emptied to the image's first index (durably, as a reset),
 * each staged file is renamed to its segment name, oldest first, the directory synced once, and the
 * in-memory indexes are taken over. Writing and forcing a large image takes seconds; the adoption costs
 * a few renames and directory syncs. A crash in between is finished from {@code install.image}, which
 * exists from before staging until after the adoption ({@link ImageInstall}).
 */
final class StagedLog {
  static final String SUFFIX = ".staged";
  /**
   * Most bytes written between forces. Forced once at the end, a 1 GB image left a gigabyte of dirty
   * pages for one fsync (nothing writes them back earlier on a machine with gigabytes of memory) and every
   * other fsync on the device waited behind it: produce p99 on the other partitions of the node's disk
   * tripled in the second of the install ({@code CatchUpSoakTest}). Forced in steps, the writeback is
   * spread over the writing, as the image part file already is ({@link ImagePart#FORCE_EVERY_BYTES_MAX}).
   */
  static final long FORCE_EVERY_BYTES = ImagePart.FORCE_EVERY_BYTES_MAX;
  private final SegmentedLog staged;

  private StagedLog(SegmentedLog staged) {
    this.staged = staged;
  }

  /** Writes {@code reader}'s entries (the image after its header) to staged segments and forces them. */
  static StagedLog write(Disk disk, Path directory, LogConfig config, ImageReader reader,
      ToLongFunction<Entry> keyOf) throws IOException {
    deleteLeftovers(disk, directory);
    SegmentedLog log = new SegmentedLog(disk, directory, config, SUFFIX);
    log.firstIndex = reader.firstIndex();
    log.prevTerm = reader.prevTerm();
    log.lastIndex = log.firstIndex - 1;
    log.lastTerm = log.prevTerm;
    log.durableIndex = log.lastIndex;
    try {
      long unforcedBytes = 0;
      for (Entry e = reader.next(); e != null; e = reader.next()) {
        log.append(e.index(), e.term(), keyOf.applyAsLong(e), e.type().ordinal(), ByteBuffer.wrap(e.payload()));
        unforcedBytes += e.payload().length;
        if (unforcedBytes >= FORCE_EVERY_BYTES) {
          log.sync();
          unforcedBytes = 0;
        }
      }
      log.sync();
    } catch (IOException | RuntimeException e) {
      log.closeChannels();
      throw e;
    }
    return new StagedLog(log);
  }

  /** On {@code log}'s thread: {@code log} becomes the staged entries (see the class comment). */
  void adoptInto(SegmentedLog log) throws IOException {
    log.reset(staged.firstIndex, staged.prevTerm);
    // oldest first: whatever prefix of the renames a crash keeps is a contiguous log (open redoes the install)
    for (Segment segment : staged.segments) {
      Path target = log.directory.resolve(Segment.fileName(segment.baseIndex));
      log.disk.rename(segment.path, target);
      log.segments.add(segment.movedTo(target));
    }
    log.disk.syncDirectory(log.directory);
    log.terms.copyFrom(staged.terms);
    log.lastIndex = staged.lastIndex;
    log.lastTerm = staged.lastTerm;
    log.lastKey = staged.lastKey;
    log.durableIndex = staged.durableIndex;
    Segment active = log.active();
    log.startWritingAt(active == null ? 0 : active.end);
    staged.segments.clear();
  }

  /** Drops staged files a stopped or crashed install left behind (unsynced deletes: open repeats them). */
  static void deleteLeftovers(Disk disk, Path directory) throws IOException {
    for (String name : disk.list(directory)) {
      if (name.endsWith(Segment.SUFFIX + SUFFIX)) {
        disk.delete(directory.resolve(name));
      }
    }
  }
}
