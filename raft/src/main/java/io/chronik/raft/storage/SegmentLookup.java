package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The read side of a {@link SegmentedLog}: finds entries by Raft index (sparse samples, then a walk over
 * frame headers) and by caller key, reads them with their CRC verified, and hands out zero-copy slices.
 * Reads only; every write, roll and truncation stays in {@link SegmentedLog}. Same thread as its log.
 */
final class SegmentLookup {
  private final SegmentedLog log;
  private final ByteBuffer readHeader = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
  private final CRC32C crc = new CRC32C();

  SegmentLookup(SegmentedLog log) {
    this.log = log;
  }

  /** See {@link SegmentedLog#read}. */
  List<LogEntry> read(long fromIndex, long toIndexExclusive, long bytesMax) throws IOException {
    List<LogEntry> result = new ArrayList<>();
    if (fromIndex >= toIndexExclusive) {
      return result;
    }
    checkRange(fromIndex);
    checkRange(toIndexExclusive - 1);
    log.prepareRead();
    long bytes = 0;
    long index = fromIndex;
    int segmentSlot = segmentSlot(index);
    while (index < toIndexExclusive) {
      Segment segment = log.segments.get(segmentSlot);
      log.reader.reset(segment.channel, segment.end);
      long position = positionOf(segment, index);
      while (index < toIndexExclusive && index <= segment.lastIndex) {
        LogEntry entry = readVerified(segment, position, index);
        bytes += entry.payload().length;
        if (!result.isEmpty() && bytes > bytesMax) {
          return result;
        }
        result.add(entry);
        position += RecordFrame.HEADER_BYTES + entry.payload().length;
        index++;
      }
      segmentSlot++;
    }
    return result;
  }

  /** See {@link SegmentedLog#slice}. */
  LogSlice slice(long fromIndex, long bytesMax) throws IOException {
    checkRange(fromIndex);
    log.prepareRead();
    Segment segment = log.segments.get(segmentSlot(fromIndex));
    long position = positionOf(segment, fromIndex);
    List<long[]> regions = new ArrayList<>();
    long bytes = 0;
    long index = fromIndex;
    while (index <= segment.lastIndex) {
      readHeader(segment, position);
      int length = readHeader.getInt(RecordFrame.LENGTH_OFFSET);
      if (!regions.isEmpty() && bytes + length > bytesMax) {
        break;
      }
      regions.add(new long[] {position + RecordFrame.HEADER_BYTES, length});
      bytes += length;
      position += RecordFrame.HEADER_BYTES + length;
      index++;
    }
    return new LogSlice(segment.channel, fromIndex, index - 1, regions);
  }

  /** See {@link SegmentedLog#floorIndexForKey}. */
  long floorIndexForKey(long key) throws IOException {
    log.prepareRead();
    Segment chosen = null;
    for (Segment segment : log.segments) {
      long first = segment.firstKey();
      if (first != RecordFrame.NO_KEY && first <= key) {
        chosen = segment;
      }
    }
    if (chosen == null) {
      return -1;
    }
    long found = -1;
    long position = chosen.floorKeyPosition(key);
    while (position < chosen.end) {
      readHeader(chosen, position);
      long entryKey = readHeader.getLong(RecordFrame.KEY_OFFSET);
      if (entryKey != RecordFrame.NO_KEY) {
        if (entryKey > key) {
          break;
        }
        found = readHeader.getLong(RecordFrame.INDEX_OFFSET);
      }
      position += RecordFrame.HEADER_BYTES + readHeader.getInt(RecordFrame.LENGTH_OFFSET);
    }
    return found >= log.firstIndex ? found : -1;
  }

  void checkRange(long index) {
    if (index < log.firstIndex || index > log.lastIndex) {
      throw new IndexOutOfBoundsException("index=" + index + " firstIndex=" + log.firstIndex
          + " lastIndex=" + log.lastIndex + " reason=index-out-of-range");
    }
  }

  /** Slot in the log's segment list of the segment holding {@code index}. */
  int segmentSlot(long index) {
    List<Segment> segments = log.segments;
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).baseIndex <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Offset of entry {@code index} in {@code segment}: nearest sample, then walk the headers. */
  long positionOf(Segment segment, long index) throws IOException {
    long position = segment.floorPosition(index);
    while (true) {
      readHeader(segment, position);
      long at = readHeader.getLong(RecordFrame.INDEX_OFFSET);
      if (at == index) {
        return position;
      }
      int length = readHeader.getInt(RecordFrame.LENGTH_OFFSET);
      if (at > index || at < segment.baseIndex || length < 0
          || position + RecordFrame.HEADER_BYTES + length >= segment.end) {
        throw new CorruptLogException(segment.name(), position, "index-walk-failed",
            "wanted=" + index + " found=" + at);
      }
      position += RecordFrame.HEADER_BYTES + length;
    }
  }

  private void readHeader(Segment segment, long position) throws IOException {
    readHeader.clear();
    Segment.readFully(segment.channel, readHeader, position);
  }

  private LogEntry readVerified(Segment segment, long position, long index) throws IOException {
    SegmentReader reader = log.reader;
    int at = reader.window(position, RecordFrame.HEADER_BYTES);
    ByteBuffer buffer = reader.buffer();
    int length = at < 0 ? -1 : buffer.getInt(at + RecordFrame.LENGTH_OFFSET);
    if (length < 0 || position + RecordFrame.HEADER_BYTES + length > segment.end) {
      throw new CorruptLogException(segment.name(), position, "bad-length", "index=" + index);
    }
    at = reader.window(position, RecordFrame.HEADER_BYTES + length);
    buffer = reader.buffer();
    if (RecordFrame.checksum(buffer, at, length, crc) != buffer.getInt(at)
        || buffer.getLong(at + RecordFrame.INDEX_OFFSET) != index) {
      throw new CorruptLogException(segment.name(), position, "crc-mismatch", "index=" + index);
    }
    byte[] payload = new byte[length];
    buffer.get(at + RecordFrame.HEADER_BYTES, payload);
    return new LogEntry(index, buffer.getLong(at + RecordFrame.TERM_OFFSET),
        buffer.getLong(at + RecordFrame.KEY_OFFSET), buffer.getInt(at + RecordFrame.KIND_OFFSET), payload);
  }
}
