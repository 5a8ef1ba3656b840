package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The repair floor of a group directory ({@link io.chronik.raft.log.LogStorage#repairFloorIndex}): the
 * highest index the node held before a repair cut damaged durable data away. It is made durable
 * <em>before</em> the cut, so a crash in between repairs again with the same floor, and deleted once
 * the log is durable that far again (a leader refilled it). Until then the node does not campaign and
 * votes only for a candidate at least as up to date as its whole log was: a cut log would grant votes
 * its whole log refused.
 */
final class RepairFloor {
  static final String FILE = "repair-floor";
  private static final int MAGIC = 0x52464c32; // "RFL2"
  /** How far past the last good index a frame found behind damage still counts as one of this log's. */
  private static final long SEARCH_INDEX_SPAN = 1 << 20;
  private static final int SEARCH_CHUNK_BYTES = 1 << 20;

  private RepairFloor() {}

  /** The last entry of the log before the damage: index and term (both 0: no floor). */
  record Floor(long index, long term) {
    static final Floor NONE = new Floor(0, 0);

    Floor max(Floor other) {
      return other.index > index ? other : this;
    }
  }

  /** A group's log as opened, with the repair floor it is under ({@link Floor#NONE}: none). */
  record Opened(SegmentedLog log, Floor floor) {}

  /**
   * Opens the group's log. Damaged durable data fails with {@link CorruptLogException} unless
   * {@code repair}: then the floor is made durable first (a crash in between repairs again with it) and
   * the log is cut at the damage. A commit beyond every readable frame (its term unknown) counts with the
   * current term, which bounds every entry's.
   */
  static Opened openLog(Disk disk, Path directory, LogConfig config, long commit, long currentTerm, boolean repair)
      throws IOException {
    Floor floor = load(disk, directory);
    try {
      return new Opened(SegmentedLog.open(disk, directory, config, commit, false), floor);
    } catch (CorruptLogException damage) {
      if (!repair) {
        throw damage;
      }
      floor = floor.max(lastEntryOnDisk(disk, directory, config)).max(new Floor(commit, currentTerm));
      store(disk, directory, floor);
      return new Opened(SegmentedLog.open(disk, directory, config, commit, true), floor);
    }
  }

  /** The stored floor, {@link Floor#NONE} if none. A damaged floor file fails loudly: the floor would be unknown. */
  static Floor load(Disk disk, Path directory) throws IOException {
    ByteBuffer body = ChecksummedFile.read(disk, directory.resolve(FILE), MAGIC);
    return body == null ? Floor.NONE : new Floor(body.getLong(0), body.getLong(8));
  }

  /** Stores {@code floor} durably (file forced, renamed into place, directory synced). */
  static void store(Disk disk, Path directory, Floor floor) throws IOException {
    ChecksummedFile.write(disk, directory.resolve(FILE), MAGIC,
        ByteBuffer.allocate(16).putLong(0, floor.index()).putLong(8, floor.term()));
  }

  /**
   * Deletes the floor. Not synced on purpose: if the deletion is lost in a crash the floor comes back,
   * and the log that passed it is durable, so it is passed again at once.
   */
  static void clear(Disk disk, Path directory) throws IOException {
    disk.delete(directory.resolve(FILE));
  }

  /**
   * The CRC-valid frame with the highest index in the directory's segments, looking past damage: after
   * a bad frame the rest of its file is searched for the next valid frame of this log. This was the
   * log's last entry before the damage: the node held (and may have acknowledged) everything up to it.
   */
  static Floor lastEntryOnDisk(Disk disk, Path directory, LogConfig config) throws IOException {
    Floor highest = Floor.NONE;
    for (String name : disk.list(directory)) {
      long base = Segment.parseBase(name);
      if (base < 0) {
        continue;
      }
      try (FileChannel channel = disk.open(directory.resolve(name), false)) {
        highest = highest.max(new Walk(channel, config.payloadBytesMax()).highestFrom(base - 1));
      }
    }
    return highest;
  }

  /** One segment file: frames in sequence, and a search for the next valid frame after a bad one. */
  private static final class Walk {
    private final FileChannel channel;
    private final int payloadBytesMax;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);

    Walk(FileChannel channel, int payloadBytesMax) throws IOException {
      this.channel = channel;
      this.payloadBytesMax = payloadBytesMax;
      this.size = channel.size();
    }

    Floor highestFrom(long lastGood) throws IOException {
      Floor highest = Floor.NONE;
      long position = 0;
      while (position >= 0 && position + RecordFrame.HEADER_BYTES <= size) {
        int length = validFrameLength(position);
        if (length >= 0) {
          lastGood = header.getLong(RecordFrame.INDEX_OFFSET);
          highest = highest.max(new Floor(lastGood, header.getLong(RecordFrame.TERM_OFFSET)));
          position += RecordFrame.HEADER_BYTES + length;
        } else {
          position = nextValidFrame(position + 1, lastGood);
        }
      }
      return highest;
    }

    /** The payload length of a whole CRC-valid frame at {@code position} (header left in place), or -1. */
    private int validFrameLength(long position) throws IOException {
      header.clear();
      Segment.readFully(channel, header, position);
      int length = header.getInt(RecordFrame.LENGTH_OFFSET);
      if (length < 0 || length > payloadBytesMax || position + RecordFrame.HEADER_BYTES + length > size) {
        return -1;
      }
      ByteBuffer frame = ByteBuffer.allocate(RecordFrame.HEADER_BYTES + length);
      Segment.readFully(channel, frame, position);
      return RecordFrame.checksum(frame, 0, length, crc) == frame.getInt(RecordFrame.CRC_OFFSET) ? length : -1;
    }

    /** The position of the next valid frame with an index just after {@code lastGood}, or -1. */
    private long nextValidFrame(long from, long lastGood) throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(SEARCH_CHUNK_BYTES, Math.max(size - from, 1)));
      for (long start = from; start + RecordFrame.HEADER_BYTES <= size; ) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), size - start));
        Segment.readFully(channel, chunk, start);
        int last = chunk.limit() - RecordFrame.HEADER_BYTES;
        for (int i = 0; i <= last; i++) {
          long index = chunk.getLong(i + RecordFrame.INDEX_OFFSET);
          if (index > lastGood && index <= lastGood + SEARCH_INDEX_SPAN && validFrameLength(start + i) >= 0) {
            return start + i;
          }
        }
        start += last + 1;
      }
      return -1;
    }
  }
}
