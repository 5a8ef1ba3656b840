package io.chronik.raft.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One segment file: entries {@code baseIndex .. lastIndex} framed back to back from offset 0, then
 * zeros (a preallocated {@link SegmentSpare} taken at the roll) or end of file. Holds the sparse indexes (by Raft index and by key) as
 * sorted sample arrays; they are rebuilt by the recovery scan, or after a clean shutdown taken from the
 * {@link LogSummary} the clean close stored.
 */
final class Segment {
  static final String SUFFIX = ".log";

  final Path path;
  final long baseIndex;
  final FileChannel channel;
  /** Logical end: offset after the last frame (including frames still in the log's write buffer). */
  int end;
  long lastIndex;
  /** Written to the OS since the last force. */
  boolean unforced;

  private long[] sampleIndex = new long[16];
  private int[] samplePosition = new int[16];
  private int samples;
  private int lastSamplePosition;
  private long[] keySample = new long[16];
  private int[] keyPosition = new int[16];
  private int keySamples;
  private int lastKeySamplePosition;

  Segment(Path path, long baseIndex, FileChannel channel) {
    this.path = path;
    this.baseIndex = baseIndex;
    this.channel = channel;
    this.lastIndex = baseIndex - 1;
  }

  static String fileName(long baseIndex) {
    return String.format("%020d%s", baseIndex, SUFFIX);
  }

  /** Base index named by {@code fileName}, or -1 if it is not a segment name. */
  static long parseBase(String fileName) {
    if (!fileName.endsWith(SUFFIX) || fileName.length() != 20 + SUFFIX.length()) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(0, 20));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Creates an empty segment file at {@code path} (replacing any stale one). Not forced: the first sync's
   * force ({@code fdatasync}) makes the size it writes durable with the data, and the name becomes durable
   * with that sync's directory sync. Zero-filled (preallocated) files come from {@link SegmentSpare}.
   */
  static Segment create(Disk disk, Path path, long baseIndex) throws IOException {
    disk.delete(path);
    return new Segment(path, baseIndex, disk.open(path, true));
  }

  /** This segment after its file was renamed to {@code renamed}: same channel, extent and samples. */
  Segment movedTo(Path renamed) {
    Segment moved = new Segment(renamed, baseIndex, channel);
    moved.end = end;
    moved.lastIndex = lastIndex;
    moved.unforced = unforced;
    moved.adoptSamples(this);
    return moved;
  }

  boolean isEmpty() {
    return lastIndex < baseIndex;
  }

  String name() {
    return path.getFileName().toString();
  }

  /** Records a sample for an entry written at {@code position} when the interval has passed. */
  void sample(long index, long key, int position, int intervalBytes) {
    if (samples == 0 || position - lastSamplePosition >= intervalBytes) {
      if (samples == sampleIndex.length) {
        sampleIndex = Arrays.copyOf(sampleIndex, samples * 2);
        samplePosition = Arrays.copyOf(samplePosition, samples * 2);
      }
      sampleIndex[samples] = index;
      samplePosition[samples++] = position;
      lastSamplePosition = position;
    }
    if (key != RecordFrame.NO_KEY
        && (keySamples == 0 || position - lastKeySamplePosition >= intervalBytes)) {
      if (keySamples == keySample.length) {
        keySample = Arrays.copyOf(keySample, keySamples * 2);
        keyPosition = Arrays.copyOf(keyPosition, keySamples * 2);
      }
      keySample[keySamples] = key;
      keyPosition[keySamples++] = position;
      lastKeySamplePosition = position;
    }
  }

  /** Offset of the greatest sampled entry with index {@code <= index} (0 if none). */
  int floorPosition(long index) {
    int slot = floorSlot(sampleIndex, samples, index);
    return slot < 0 ? 0 : samplePosition[slot];
  }

  /** Smallest sampled key, or {@link RecordFrame#NO_KEY} when no entry of this segment has a key. */
  long firstKey() {
    return keySamples == 0 ? RecordFrame.NO_KEY : keySample[0];
  }

  /** Offset of the greatest key sample {@code <= key} (0 if none). */
  int floorKeyPosition(long key) {
    int slot = floorSlot(keySample, keySamples, key);
    return slot < 0 ? 0 : keyPosition[slot];
  }

  /** Takes the samples {@code other} recorded (a rewritten copy of this segment's entries). */
  void adoptSamples(Segment other) {
    sampleIndex = other.sampleIndex;
    samplePosition = other.samplePosition;
    samples = other.samples;
    lastSamplePosition = other.lastSamplePosition;
    keySample = other.keySample;
    keyPosition = other.keyPosition;
    keySamples = other.keySamples;
    lastKeySamplePosition = other.lastKeySamplePosition;
  }

  /** Bytes {@link #writeSamples} puts. */
  int sampleBytes() {
    return 8 + 12 * (samples + keySamples);
  }

  /**
   * The sparse indexes as a {@link LogSummary} stores them: count, (index, position) pairs, count, (key,
   * position) pairs. The last positions need no field: they are the last samples' ({@link #sample} keeps
   * them so, {@link #dropSamplesFrom} restores them so).
   */
  void writeSamples(ByteBuffer out) {
    out.putInt(samples);
    for (int i = 0; i < samples; i++) {
      out.putLong(sampleIndex[i]).putInt(samplePosition[i]);
    }
    out.putInt(keySamples);
    for (int i = 0; i < keySamples; i++) {
      out.putLong(keySample[i]).putInt(keyPosition[i]);
    }
  }

  /**
   * Takes the samples {@link #writeSamples} put, for this segment's {@link #end} and {@link #lastIndex}
   * already set; false (samples unusable) unless they are what a scan of such a segment can build: the
   * first frame sampled at offset 0 (a non-empty segment), indexes within the segment and positions before
   * its end, both strictly increasing, keys not decreasing.
   */
  boolean readSamples(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > in.remaining() / 12 || (count == 0) != isEmpty()) {
      return false;
    }
    long[] indexes = new long[Math.max(16, count)];
    int[] positions = new int[Math.max(16, count)];
    for (int i = 0; i < count; i++) {
      indexes[i] = in.getLong();
      positions[i] = in.getInt();
      boolean first = i == 0 && (indexes[i] != baseIndex || positions[i] != 0);
      if (first || indexes[i] > lastIndex || positions[i] >= end
          || (i > 0 && (indexes[i] <= indexes[i - 1] || positions[i] <= positions[i - 1]))) {
        return false;
      }
    }
    int keyCount = in.getInt();
    if (keyCount < 0 || keyCount > in.remaining() / 12) {
      return false;
    }
    long[] keys = new long[Math.max(16, keyCount)];
    int[] keyPositions = new int[Math.max(16, keyCount)];
    for (int i = 0; i < keyCount; i++) {
      keys[i] = in.getLong();
      keyPositions[i] = in.getInt();
      if (keys[i] == RecordFrame.NO_KEY || keyPositions[i] < 0 || keyPositions[i] >= end
          || (i > 0 && (keys[i] < keys[i - 1] || keyPositions[i] <= keyPositions[i - 1]))) {
        return false;
      }
    }
    sampleIndex = indexes;
    samplePosition = positions;
    samples = count;
    lastSamplePosition = count == 0 ? 0 : positions[count - 1];
    keySample = keys;
    keyPosition = keyPositions;
    keySamples = keyCount;
    lastKeySamplePosition = keyCount == 0 ? 0 : keyPositions[keyCount - 1];
    return true;
  }

  /** Offset of the last key sample, -1 when no entry of this segment has a key. */
  int lastKeySamplePosition() {
    return keySamples == 0 ? -1 : lastKeySamplePosition;
  }

  /** Forgets samples of entries at or after {@code position} (suffix truncation). */
  void dropSamplesFrom(int position) {
    while (samples > 0 && samplePosition[samples - 1] >= position) {
      samples--;
    }
    lastSamplePosition = samples == 0 ? 0 : samplePosition[samples - 1];
    while (keySamples > 0 && keyPosition[keySamples - 1] >= position) {
      keySamples--;
    }
    lastKeySamplePosition = keySamples == 0 ? 0 : keyPosition[keySamples - 1];
  }

  private static int floorSlot(long[] keys, int count, long target) {
    int lo = 0;
    int hi = count - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (keys[mid] <= target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Reads exactly {@code buffer.remaining()} bytes at {@code position}. */
  static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position);
      if (n < 0) {
        throw new EOFException("position=" + position + " reason=unexpected-end-of-file");
      }
      position += n;
    }
  }
}
