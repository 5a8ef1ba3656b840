package io.chronik.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.zip.CRC32C;

/**
 * The durable, segmented, append-only log of one Raft group in one directory.
 *
 * <p>Invariants: entries {@code firstIndex() .. lastIndex()} are contiguous, their terms never
 * decrease, and their keys (where present) never decrease. Every entry {@code <= durableIndex()} is
 * on stable storage. Appends are staged in a write buffer; {@link #sync()} writes and fsyncs them
 * (group commit: append many, sync once). Truncations are made durable before they return.
 *
 * <p>Files: {@code <base index, 20 digits>.log} segments, rolled at {@link LogConfig#segmentBytes} (or a
 * topic's smaller size); {@code log.meta} (first index and the term before it), replaced atomically; with
 * {@link LogConfig#preallocate}, the next segment's zero-filled {@link SegmentSpare} prepared on the
 * executor given to {@link #prepareSparesOn}. Not thread-safe: one group's log is driven by one thread at a
 * time (a spare's preparation touches only the spare's file).
 */
public final class SegmentedLog implements AutoCloseable {
  static final String META_FILE = "log.meta";
  static final int META_MAGIC = 0x4c4f474d; // "LOGM"

  final Disk disk;
  final Path directory;
  final LogConfig config;
  final List<Segment> segments = new ArrayList<>();
  final TermRuns terms = new TermRuns();
  long firstIndex = 1;
  long prevTerm;
  long lastIndex;
  long lastTerm;
  long lastKey = RecordFrame.NO_KEY;
  long durableIndex;
  RecoveryReport recovery;

  /** Bytes of a log's first write buffer; it grows to the configured size when a sync's appends fill it. */
  static final int FIRST_WRITE_BUFFER_BYTES = 4096;
  /** Allocated at the first append: thousands of groups may be opened, and idle ones never write. */
  private ByteBuffer writeBuffer;
  /** Segment offset where the write buffer's first byte belongs. */
  private long bufferPosition;
  /** Written by roll (and recovery, which deleted the summary), cleared by a directory sync in the next sync pass. */
  boolean directoryUnsynced;
  /**
   * Directories that gained a name when this log's directory (or an ancestor) was created: synced before
   * anything in the log counts as durable, since a crash before that loses the directory with its files.
   */
  private List<Path> parentsUnsynced = List.of();
  /** A new segment starts once the active one would grow past this (a topic's segment.bytes; may change). */
  private int rollBytes;
  /** The next append starts a new segment (a topic's segment.ms elapsed). */
  private boolean rollRequested;
  private final ByteBuffer header = ByteBuffer.allocate(RecordFrame.HEADER_BYTES);
  private final CRC32C crc = new CRC32C();
  final SegmentReader reader;
  final SegmentLookup lookup = new SegmentLookup(this);

  /** Appended to a segment's name: empty, or {@link StagedLog#SUFFIX} for a log only staged. */
  private final String nameSuffix;
  /** The next segment prepared ahead ({@link LogConfig#preallocate}; not for a staged log), else null. */
  private final SegmentSpare spare;

  SegmentedLog(Disk disk, Path directory, LogConfig config) {
    this(disk, directory, config, "");
  }

  SegmentedLog(Disk disk, Path directory, LogConfig config, String nameSuffix) {
    this.nameSuffix = nameSuffix;
    this.disk = disk;
    this.directory = directory;
    this.config = config;
    this.reader = new SegmentReader(Math.min(64 << 10, config.segmentBytes()));
    this.rollBytes = config.segmentBytes();
    // in line until the owner gives it a thread of its own (prepareSparesOn): a log driven without threads
    // (tools, simulations) stays deterministic
    this.spare = config.preallocate() && nameSuffix.isEmpty() ? new SegmentSpare(disk, directory, Runnable::run)
        : null;
  }

  /**
   * From now on spare segments ({@link LogConfig#preallocate}) are prepared on {@code preparer}, which may
   * refuse work ({@link java.util.concurrent.RejectedExecutionException}: that segment goes without). Call
   * on the log's thread, before appending. A log without segments (a new group) or past half its active one
   * asks at once, so its next segment may be ready when the first append needs it. No effect without
   * preallocation.
   */
  public void prepareSparesOn(Executor preparer) {
    if (spare != null) {
      spare.executor(preparer);
      Segment active = active();
      spare.askIfDue(active == null ? rollBytes : active.end, rollBytes);
    }
  }

  /** A spare segment is ready for the next roll (tests). */
  boolean spareReady() {
    return spare != null && spare.ready();
  }

  /** One segment file: its entries and bytes written (retention decides on whole segments). */
  public record SegmentSpan(long baseIndex, long lastIndex, long bytes) {}

  /** Every segment, oldest first; the last one is the active segment. */
  public List<SegmentSpan> segmentSpans() {
    List<SegmentSpan> spans = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      spans.add(new SegmentSpan(s.baseIndex, s.lastIndex, s.end));
    }
    return spans;
  }

  /**
   * Rolls to a new segment once the active one would pass {@code bytes}, capped at the configured
   * segment size (which also bounds one entry); returns the size in effect. From the next append on.
   */
  public int rollBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("rollBytes=" + bytes + " reason=below-1KiB");
    }
    rollBytes = (int) Math.min(bytes, config.segmentBytes());
    return rollBytes;
  }

  /** The next append starts a new segment unless the active one is empty (a time-based roll). */
  public void rollBeforeNextAppend() {
    rollRequested = true;
  }

  /**
   * Opens (creating if needed) the log in {@code directory} and recovers it: a torn tail is cut away
   * and reported; damaged durable data throws {@link CorruptLogException} unless {@code repair}.
   *
   * @param committedFloorIndex entries up to here are known durable (e.g. the hard state's commit);
   *     damage at or below it is never taken for a torn tail
   */
  public static SegmentedLog open(Disk disk, Path directory, LogConfig config, long committedFloorIndex,
      boolean repair) throws IOException {
    SegmentedLog log = new SegmentedLog(disk, directory, config);
    try {
      new LogRecovery(log, committedFloorIndex, repair).run();
    } catch (IOException | RuntimeException e) {
      log.closeChannels();
      throw e;
    }
    return log;
  }

  public RecoveryReport recoveryReport() {
    return recovery;
  }

  public long firstIndex() {
    return firstIndex;
  }

  public long lastIndex() {
    return lastIndex;
  }

  public long lastTerm() {
    return lastTerm;
  }

  /** Every entry up to here is on stable storage. */
  public long durableIndex() {
    return durableIndex;
  }

  /** Term of the entry at {@code index}, for {@code firstIndex()-1 <= index <= lastIndex()}. */
  public long term(long index) {
    if (index == firstIndex - 1) {
      return prevTerm;
    }
    lookup.checkRange(index);
    return terms.termAt(index);
  }

  /**
   * Appends entry {@code index == lastIndex()+1}. The payload's remaining bytes are copied; the
   * entry is durable only after a later {@link #sync()}. May fsync when it rolls to a new segment.
   *
   * @param key caller key, {@link LogEntry#NO_KEY} if none; keys must not decrease
   */
  public void append(long index, long term, long key, int kind, ByteBuffer payload) throws IOException {
    int frameBytes = RecordFrame.HEADER_BYTES + payload.remaining();
    if (index != lastIndex + 1 || term < lastTerm || payload.remaining() > config.payloadBytesMax()
        || (key != RecordFrame.NO_KEY && lastKey != RecordFrame.NO_KEY && key < lastKey)) {
      throw new IllegalArgumentException("index=" + index + " lastIndex=" + lastIndex + " term=" + term
          + " lastTerm=" + lastTerm + " key=" + key + " lastKey=" + lastKey + " bytes="
          + payload.remaining() + " reason=append-out-of-order-or-too-large");
    }
    Segment active = active();
    if (active == null || ((rollRequested || active.end + frameBytes > rollBytes) && !active.isEmpty())) {
      active = roll(index);
      rollRequested = false;
    }
    if (spare != null) {
      spare.askIfDue(active.end, rollBytes);
    }
    RecordFrame.encodeHeader(header, crc, index, term, key, kind, payload);
    if (writeBuffer == null) {
      writeBuffer = ByteBuffer.allocateDirect(Math.min(FIRST_WRITE_BUFFER_BYTES, config.writeBufferBytes()));
    }
    if (frameBytes > writeBuffer.remaining()) {
      flushBuffer();
      if (writeBuffer.capacity() < config.writeBufferBytes()) {
        // a group that fills its buffer within one sync gets a bigger one, up to the configured size
        writeBuffer = ByteBuffer.allocateDirect(Math.min(config.writeBufferBytes(), writeBuffer.capacity() * 4));
      }
    }
    if (frameBytes > writeBuffer.capacity()) {
      writeDirect(active, payload);
    } else {
      writeBuffer.put(header.clear()).put(payload.duplicate());
    }
    active.sample(index, key, active.end, config.indexIntervalBytes());
    active.end += frameBytes;
    active.lastIndex = index;
    terms.append(index, term);
    lastIndex = index;
    lastTerm = term;
    if (key != RecordFrame.NO_KEY) {
      lastKey = key;
    }
  }

  /** Makes every appended entry durable (write + fsync) and returns {@link #durableIndex()}. */
  public long sync() throws IOException {
    long target = flushForSync();
    forceActive();
    syncDirectoryIfNeeded();
    markDurable(target);
    return durableIndex;
  }

  /** A name in the directory changed since the last sync (a segment created, the summary deleted at open). */
  boolean directoryUnsynced() {
    return directoryUnsynced;
  }

  /**
   * Adds parents whose entries for this log's directory may not be durable yet: those {@link
   * Disk#createDirectories} returned when it was created, or the parent of a directory a crashed process
   * created and never synced into it. The next sync makes them durable before anything after it counts.
   */
  void parentsUnsynced(List<Path> parents) {
    List<Path> all = new ArrayList<>(parentsUnsynced);
    for (Path parent : parents) {
      if (!all.contains(parent)) {
        all.add(parent);
      }
    }
    this.parentsUnsynced = List.copyOf(all);
  }

  /** Hands over the parents still to sync (a node-wide pass syncs each distinct one once). */
  List<Path> takeUnsyncedParents() {
    List<Path> parents = parentsUnsynced;
    parentsUnsynced = List.of();
    return parents;
  }

  /** Makes the names of segments created since the last sync durable (before they count as durable). */
  void syncDirectoryIfNeeded() throws IOException {
    for (Path parent : parentsUnsynced) {
      disk.syncDirectory(parent);
    }
    parentsUnsynced = List.of();
    if (directoryUnsynced) {
      disk.syncDirectory(directory);
      directoryUnsynced = false;
    }
  }

  /** Hands buffered appends to the OS (no fsync); returns the index a following force covers. */
  long flushForSync() throws IOException {
    flushBuffer();
    return lastIndex;
  }

  /** The channel that needs a force to cover everything flushed, or null. */
  FileChannel unforcedChannel() {
    Segment active = active();
    return active != null && active.unforced ? active.channel : null;
  }

  /** A force of {@link #unforcedChannel()} issued by the caller completed. */
  void forcedActive() {
    Segment active = active();
    if (active != null) {
      active.unforced = false;
    }
  }

  void forceActive() throws IOException {
    Segment active = active();
    if (active != null && active.unforced) {
      active.channel.force(false);
      active.unforced = false;
    }
  }

  /** Records that a force covering everything flushed up to {@code index} completed. */
  void markDurable(long index) {
    durableIndex = Math.max(durableIndex, Math.min(index, lastIndex));
  }

  /**
   * Reads entries {@code [fromIndex, toIndexExclusive)}, stopping once {@code bytesMax} payload bytes
   * would be exceeded but returning at least one entry. Every record's CRC is verified: a damaged
   * record throws {@link CorruptLogException}, it is never returned.
   */
  public List<LogEntry> read(long fromIndex, long toIndexExclusive, long bytesMax) throws IOException {
    return lookup.read(fromIndex, toIndexExclusive, bytesMax);
  }

  /**
   * A zero-copy view of the payloads of entries from {@code fromIndex} within one segment, at most
   * {@code bytesMax} payload bytes (at least one entry). Payloads are not re-verified here: Kafka batches
   * carry their own CRC checked by clients (and the open's scan checked them, unless a clean shutdown's
   * {@link LogSummary} spared it).
   */
  public LogSlice slice(long fromIndex, long bytesMax) throws IOException {
    return lookup.slice(fromIndex, bytesMax);
  }

  /**
   * Index of the last entry whose key is {@code <= key} (keys are monotonic), or -1 when every
   * retained keyed entry has a greater key or there is none.
   */
  public long floorIndexForKey(long key) throws IOException {
    return lookup.floorIndexForKey(key);
  }

  /**
   * Segment {@code baseIndex} as another thread may read or rewrite it ({@link SegmentRewrite}): its file and
   * its entries up to the durable index. The entries below the commit index of a closed segment never change
   * but by a rewrite; reads of them through their own channel need no lock.
   */
  public SegmentRewrite.Source segmentSource(long baseIndex) {
    Segment s = segments.isEmpty() ? null : segments.get(lookup.segmentSlot(baseIndex));
    if (s == null || s.baseIndex != baseIndex) {
      throw new IllegalArgumentException("baseIndex=" + baseIndex + " reason=no-such-segment");
    }
    return new SegmentRewrite.Source(disk, s.path, s.baseIndex, Math.min(s.lastIndex, durableIndex),
        config.indexIntervalBytes(), config.payloadBytesMax());
  }

  /**
   * Phase two of a {@link SegmentRewrite}, on this log's thread: swaps the prepared copy in if its segment is
   * still closed and unchanged, else deletes the copy. Returns the replaced file's channel, still open for
   * readers holding regions of it (the caller closes it), or null when the copy was dropped.
   */
  public FileChannel swapRewritten(SegmentRewrite.Prepared prepared) throws IOException {
    return SegmentRewrite.swap(this, prepared);
  }

  /** Removes entries {@code >= fromIndex} (a conflicting suffix), durably, before returning. */
  public void truncateSuffix(long fromIndex) throws IOException {
    new LogTruncation(this).suffix(fromIndex);
  }

  /**
   * Drops entries below {@code newFirstIndex} (after a snapshot or for retention), durably: the new
   * first index is recorded atomically first, then whole segments below it are deleted.
   * Requires {@code newFirstIndex <= lastIndex()+1}.
   */
  public void truncatePrefix(long newFirstIndex) throws IOException {
    new LogTruncation(this).prefix(newFirstIndex);
  }

  /**
   * Empties the log so that the next entry is {@code newFirstIndex} and {@code term(newFirstIndex-1)}
   * is {@code prevTerm} (installing a snapshot from a leader). Durable before returning.
   */
  public void reset(long newFirstIndex, long newPrevTerm) throws IOException {
    new LogTruncation(this).reset(newFirstIndex, newPrevTerm);
  }

  /**
   * A clean stop's close: makes everything durable, then leaves the {@link LogSummary} the next open after a
   * clean shutdown reads instead of the segments (written here only), then closes.
   */
  public void closeClean() throws IOException {
    try {
      sync();
      LogSummary.write(this);
    } finally {
      close();
    }
  }

  /** Writes buffered appends; does not fsync (the caller decides when to {@link #sync()}). */
  @Override
  public void close() throws IOException {
    try {
      flushBuffer();
    } finally {
      try {
        if (spare != null) {
          spare.close(true); // first: closeChannels would close it as a killed process does, keeping the file
        }
      } finally {
        closeChannels();
      }
    }
  }

  // ---- internals ----

  void closeChannels() {
    if (spare != null) {
      try {
        spare.close(false); // as a killed process: the file stays for the next open to delete
      } catch (IOException ignored) {
        // closing after a failure: the original error matters
      }
    }
    for (Segment segment : segments) {
      try {
        segment.channel.close();
      } catch (IOException ignored) {
        // closing after a failure: the original error matters
      }
    }
  }

  void startWritingAt(long position) {
    bufferPosition = position;
  }

  Segment active() {
    return segments.isEmpty() ? null : segments.get(segments.size() - 1);
  }

  private Segment roll(long baseIndex) throws IOException {
    Segment previous = active();
    if (previous != null) {
      // Force the old segment before the new one is written, so no crash can keep a later segment's
      // data while losing an earlier one's (recovery relies on it).
      long target = flushForSync();
      forceActive();
      markDurable(target);
    }
    Path path = directory.resolve(Segment.fileName(baseIndex) + nameSuffix);
    Segment created = spare == null ? null : spare.take(path, baseIndex);
    if (created == null) {
      created = Segment.create(disk, path, baseIndex); // never waits for a spare still being prepared
    }
    // The new name becomes durable with the next sync, together with the entries written into it:
    // a node opening thousands of new groups at once then pays one concurrent pass, not an fsync each.
    directoryUnsynced = true;
    segments.add(created);
    bufferPosition = 0;
    return created;
  }

  void flushBuffer() throws IOException {
    if (writeBuffer == null || writeBuffer.position() == 0) {
      return;
    }
    Segment active = active();
    writeBuffer.flip();
    long position = bufferPosition;
    while (writeBuffer.hasRemaining()) {
      position += active.channel.write(writeBuffer, position);
    }
    writeBuffer.clear();
    bufferPosition = position;
    active.unforced = true;
  }

  private void writeDirect(Segment active, ByteBuffer payload) throws IOException {
    ByteBuffer[] parts = {header.clear(), payload.duplicate()};
    active.channel.position(bufferPosition);
    long total = RecordFrame.HEADER_BYTES + (long) payload.remaining();
    for (long written = 0; written < total; ) {
      written += active.channel.write(parts);
    }
    bufferPosition += total;
    active.unforced = true;
  }

  /** Reads go to the file, so buffered frames are handed to the OS first (no fsync). */
  void prepareRead() throws IOException {
    if (writeBuffer != null && writeBuffer.position() > 0) {
      flushBuffer();
    }
  }
}
