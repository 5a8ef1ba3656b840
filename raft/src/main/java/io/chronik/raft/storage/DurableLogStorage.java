package io.chronik.raft.storage;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.LogIndexException;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.log.SnapshotSource;
import io.chronik.raft.log.SnapshotWork;
import io.chronik.raft.membership.Configuration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32C;

/**
 * {@link LogStorage} on disk: a {@link SegmentedLog} for entries, a {@link HardStateFile} and a
 * {@link SnapshotFile}, all in one group directory.
 *
 * <p>Durability: entries are buffered until {@link #sync()}; the hard state is written by
 * {@code sync()} after the entries, so a durable commit index never runs ahead of durable entries.
 * The file is rewritten only when term or vote change (they must be durable before a vote or an
 * append response leaves); a commit-only change rides along with the next such write, since the
 * core allows a persisted commit to lag (it is re-learned from the leader). Snapshot, reset and
 * compaction are durable before they return. I/O errors surface as {@link UncheckedIOException}:
 * a node that cannot persist must stop.
 */
public final class DurableLogStorage implements LogStorage, AutoCloseable {
  private final SegmentedLog log;
  private final HardStateStore hardStates;
  private final SnapshotFile snapshotFile;
  private final ToLongFunction<Entry> keyOf;
  private final Disk disk;
  private final Path directory;
  /** Entries a leader's {@link ImageStream} reads from the log at a time. */
  private static final long IMAGE_READ_BATCH_BYTES = 1 << 20;
  /** InstallSnapshot ships the retained entries with the snapshot data ({@link SnapshotImage}). */
  private boolean shipsEntries;
  private HardState hardState;
  private HardState durableHardState;
  private SnapshotMeta snapshot;
  private byte[] snapshotData;
  /** {@link #repairFloorIndex} and its term: {@code NONE} once the log is durable that far again. */
  private RepairFloor.Floor repairFloor = RepairFloor.Floor.NONE;

  /** Written before a leader's image is applied, deleted after: a crash in between redoes the install. */
  static final String INSTALL_FILE = ImageInstall.INSTALL_FILE;
  /** A leader's image this follower receives (streamed to disk) and installs. */
  private FollowerImage image;
  /** Entries leader image streams still read: not compacted yet. */
  private final ImagePins pins = new ImagePins();

  private DurableLogStorage(Disk disk, Path directory, SegmentedLog log, HardStateStore hardStates,
      SnapshotFile snapshotFile, ToLongFunction<Entry> keyOf, HardState hardState, SnapshotMeta snapshot,
      byte[] snapshotData) {
    this.disk = disk;
    this.directory = directory;
    this.log = log;
    this.hardStates = hardStates;
    this.snapshotFile = snapshotFile;
    this.keyOf = keyOf;
    this.hardState = hardState;
    this.durableHardState = hardState;
    this.snapshot = snapshot;
    this.snapshotData = snapshotData;
  }

  /**
   * Opens the group stored in {@code directory}.
   *
   * @param keyOf secondary key of an entry (e.g. a Kafka base offset), or {@link LogEntry#NO_KEY}
   * @param repair cut away damaged durable data instead of refusing to start; the group then does not
   *     campaign, and votes only as its whole log would have, until a leader refilled what was cut
   *     ({@link #repairFloorIndex})
   */
  public static DurableLogStorage open(Disk disk, Path directory, LogConfig config,
      ToLongFunction<Entry> keyOf, boolean repair) throws IOException {
    return open(disk, directory, config, keyOf, repair, new HardStateFile(disk, directory));
  }

  /**
   * Opens the group stored in {@code directory} with its hard state in {@code hardStates} (e.g. a
   * slot of the node's {@link HardStateJournal}). A store that holds nothing yet falls back to the
   * group's own {@code hardstate} file, so a data directory written before the journal opens as it was.
   */
  public static DurableLogStorage open(Disk disk, Path directory, LogConfig config,
      ToLongFunction<Entry> keyOf, boolean repair, HardStateStore hardStates) throws IOException {
    StoredGroup stored = StoredGroup.recover(disk, directory, config, keyOf, repair, hardStates);
    HardStateFile.Stored hs = stored.hardState();
    SegmentedLog log = stored.log();
    DurableLogStorage storage = new DurableLogStorage(disk, directory, log, hardStates, stored.snapshotFile(), keyOf,
        new HardState(hs.term(), hs.vote(), hs.commit()), stored.snapshot(), stored.snapshotData());
    storage.repairFloor = stored.repairFloor();
    storage.image = new FollowerImage(disk, directory, config, log, stored.snapshotFile(), keyOf,
        stored.snapshot().index());
    return storage;
  }

  /**
   * From now on InstallSnapshot ships (and, on a follower, installs) the retained entries up to the
   * snapshot with its data: for a group whose log is its data. Call before the group's node is built.
   */
  public DurableLogStorage shipRetainedEntries() {
    shipsEntries = true;
    return this;
  }

  /**
   * The snapshot data plus the entries from the first retained index through the snapshot index
   * ({@link SnapshotImage}) when {@link #shipRetainedEntries} is on, else the snapshot data; read from
   * the log as it is consumed ({@link ImageStream}).
   */
  @Override
  public SnapshotSource snapshotSource() {
    if (!shipsEntries || snapshot.index() == 0) {
      return SnapshotSource.of(snapshot, snapshotData);
    }
    long first = Math.min(log.firstIndex(), snapshot.index() + 1);
    ImageStream stream = new ImageStream(snapshot, snapshotData, first, term(first - 1), this, IMAGE_READ_BATCH_BYTES);
    pins.add(stream);
    return stream;
  }

  /** The whole {@link #snapshotSource} in memory (tests and small images only). */
  @Override
  public byte[] snapshotImage() {
    SnapshotSource source = snapshotSource();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] chunk = source.next(1 << 20); chunk.length > 0; chunk = source.next(1 << 20)) {
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }

  /** The underlying log, e.g. for zero-copy reads ({@link SegmentedLog#slice}) or key lookups. */
  public SegmentedLog log() {
    return log;
  }

  /** Every entry up to here is on stable storage. */
  @Override
  public long repairFloorIndex() {
    return repairFloor.index();
  }

  @Override
  public long repairFloorTerm() {
    return repairFloor.term();
  }

  @Override
  public long durableIndex() {
    return log.durableIndex();
  }

  @Override
  public HardState hardState() {
    return hardState;
  }

  @Override
  public SnapshotMeta snapshotMeta() {
    return snapshot;
  }

  @Override
  public byte[] snapshotData() {
    return snapshotData;
  }

  /**
   * The data of the fallback snapshot ({@link SnapshotFile#previousData()}), null when there is none.
   * {@link #compact} keeps the entries above its index; a state machine whose data decides which of
   * the entries below a snapshot it still serves (a partition's log start) must bound by it as well.
   */
  public byte[] fallbackSnapshotData() {
    return snapshotFile.previousData();
  }

  @Override
  public long firstIndex() {
    return log.firstIndex();
  }

  @Override
  public long lastIndex() {
    return log.lastIndex();
  }

  @Override
  public long term(long index) {
    if (index < log.firstIndex() - 1 || index > log.lastIndex()) {
      throw new LogIndexException(index, log.firstIndex(), log.lastIndex(), "term-unavailable");
    }
    return log.term(index);
  }

  @Override
  public List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    if (fromIndex < log.firstIndex() || toIndexExclusive > log.lastIndex() + 1) {
      throw new LogIndexException(fromIndex, log.firstIndex(), log.lastIndex(),
          "range-unavailable to=" + toIndexExclusive);
    }
    List<Entry> out = new ArrayList<>();
    try {
      long bytes = 0;
      for (LogEntry e : log.read(fromIndex, toIndexExclusive, maxBytes)) {
        Entry entry = new Entry(e.index(), e.term(), EntryType.values()[e.kind()], e.payload());
        bytes += entry.sizeBytes();
        if (!out.isEmpty() && bytes > maxBytes) {
          break;
        }
        out.add(entry);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    if (first < log.firstIndex() || first > log.lastIndex() + 1) {
      throw new LogIndexException(first, log.firstIndex(), log.lastIndex(), "append-gap");
    }
    try {
      log.truncateSuffix(first);
      for (Entry e : entries) {
        log.append(e.index(), e.term(), keyOf.applyAsLong(e), e.type().ordinal(), ByteBuffer.wrap(e.payload()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    if (fromIndex < log.firstIndex()) {
      throw new LogIndexException(fromIndex, log.firstIndex(), log.lastIndex(), "truncate-below-compaction");
    }
    try {
      log.truncateSuffix(fromIndex);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void saveHardState(HardState state) {
    hardState = state;
  }

  /**
   * Without {@link #shipRetainedEntries}: stores the snapshot, then empties the log after it (a crash
   * in between is finished by {@link #open}). With it: {@code data} is a {@link SnapshotImage}, installed
   * as if it had arrived in one chunk ({@link #persistSnapshotChunk}, {@link #installReceivedSnapshot}).
   */
  @Override
  public void installSnapshot(SnapshotMeta meta, byte[] data) {
    try {
      if (!shipsEntries) {
        storeSnapshot(meta, data);
        log.reset(meta.index() + 1, meta.term());
        return;
      }
      CRC32C crc = new CRC32C();
      crc.update(data);
      image.persist(new SnapshotChunk(meta, 0, data, true, (int) crc.getValue()), true);
      if (!image.whole(meta)) {
        throw new IllegalArgumentException(image.lastRefusal());
      }
      installReceivedSnapshot(meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void persistSnapshotChunk(SnapshotChunk chunk) {
    try {
      image.persist(chunk, shipsEntries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long snapshotBytesReceived(SnapshotMeta meta) {
    return image.received(meta);
  }

  @Override
  public boolean snapshotReceivedWhole(SnapshotMeta meta) {
    return image.whole(meta);
  }

  @Override
  public long snapshotImagesRefused() {
    return image.refused();
  }

  /**
   * The image received whole: with {@link #shipRetainedEntries} it is renamed to {@link #INSTALL_FILE}
   * (from here the new state wins), the log is replaced by its entries (decoded from the file one at a
   * time), the snapshot stored and the file deleted, so a crash anywhere leaves the old state or (after
   * {@link #open} applies the file again) the complete new one. Without, it is the snapshot data.
   */
  @Override
  public long installReceivedSnapshot(SnapshotMeta meta) {
    try {
      if (!shipsEntries) {
        byte[] data = image.takeBytes(meta);
        installSnapshot(meta, data);
        return data.length;
      }
      long size = snapshotBytesReceived(meta);
      installed(image.install(meta));
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * With {@link #shipRetainedEntries}: the check of a received image and the writing of an installed image's
   * entries are handed out, to run on another thread ({@link FollowerImage#begin}); without, none.
   */
  @Override
  public SnapshotWork beginSnapshotWork(List<SnapshotChunk> chunks, SnapshotMeta meta) {
    if (!shipsEntries) {
      return null;
    }
    try {
      return image.begin(chunks, meta);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long completeSnapshotWork(SnapshotWork work) {
    try {
      ImageInstall.Installed done = image.complete(work);
      if (done == null) {
        return 0;
      }
      installed(done);
      return ((ImageWork) work).imageBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void installed(ImageInstall.Installed done) {
    snapshot = done.meta();
    snapshotData = done.state();
  }

  @Override
  public void createSnapshot(SnapshotMeta meta, byte[] data) {
    if (meta.index() > log.lastIndex() || meta.index() < snapshot.index()) {
      throw new LogIndexException(meta.index(), log.firstIndex(), log.lastIndex(), "snapshot-out-of-range");
    }
    try {
      storeSnapshot(meta, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Drops whole entries up to {@code throughIndex}, but never above the fallback snapshot's index
   * ({@link SnapshotFile#previousIndex()}): if the newest snapshot file is later found damaged, the
   * older one plus the log from its index on still rebuild the state; nor above what a leader's image
   * stream still reads ({@link ImagePins}): those entries go with a later call.
   */
  @Override
  public void compact(long throughIndex) {
    if (throughIndex > snapshot.index()) {
      throw new LogIndexException(throughIndex, log.firstIndex(), log.lastIndex(), "compact-beyond-snapshot");
    }
    throughIndex = Math.min(Math.min(throughIndex, snapshotFile.previousIndex()), pins.floor() - 1);
    if (throughIndex < log.firstIndex()) {
      return;
    }
    try {
      log.truncatePrefix(throughIndex + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void sync() {
    try {
      log.sync();
      stageHardState();
      hardStates.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * After the entries were made durable (by {@link #sync} or a node-wide {@link GroupCommit} pass):
   * hands the hard state to its store if term or vote changed. Durable once the store is flushed
   * (a {@link HardStateJournal}: at its next sync, shared by every group of the node).
   */
  public void stageHardState() throws IOException {
    if (repairFloor.index() > 0 && log.durableIndex() >= repairFloor.index()) {
      RepairFloor.clear(disk, directory); // refilled from a leader: this node votes as any other again
      repairFloor = RepairFloor.Floor.NONE;
    }
    if (hardState.term() != durableHardState.term() || hardState.vote() != durableHardState.vote()) {
      hardStates.stage(new HardStateFile.Stored(hardState.term(), hardState.vote(),
          Math.min(hardState.commit(), log.durableIndex())));
      durableHardState = hardState;
    }
  }

  /** Drops the storage like a killed process would: unsynced buffered appends are lost. */
  void abandon() {
    log.closeChannels();
    try {
      image.close();
    } catch (IOException ignored) {
      // a killed process closes nothing either; the descriptor goes with the test's disk
    }
  }

  /**
   * A clean stop's close ({@link CleanShutdown}): entries, then the hard state, made durable ({@link #sync}),
   * and the log closed with its summary ({@link SegmentedLog#closeClean}); closed without one on failure.
   */
  public void closeClean() throws IOException {
    try {
      sync(); // fails unchecked (UncheckedIOException)
    } catch (RuntimeException failed) {
      close(); // no summary: this log must not be recorded as cleanly closed
      throw failed;
    }
    try {
      image.close();
    } finally {
      log.closeClean();
    }
  }

  /** Hands buffered appends to the OS without an fsync (they are durable only after a sync). */
  @Override
  public void close() throws IOException {
    image.close();
    log.close();
  }

  private void storeSnapshot(SnapshotMeta meta, byte[] data) throws IOException {
    snapshotFile.store(new SnapshotFile.Stored(meta.index(), meta.term(), encodeConfiguration(meta.config()), data));
    snapshot = meta;
    snapshotData = data.clone();
  }

  static byte[] encodeConfiguration(Configuration config) {
    ByteBuffer out = ByteBuffer.allocate(12 + 4 * (config.voters().size() + config.outgoing().size()
        + config.learners().size()));
    for (SortedSet<Integer> set : List.of(config.voters(), config.outgoing(), config.learners())) {
      out.putInt(set.size());
      set.forEach(out::putInt);
    }
    return out.array();
  }

  static Configuration decodeConfiguration(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    List<SortedSet<Integer>> sets = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      SortedSet<Integer> set = new TreeSet<>();
      for (int n = in.getInt(); n > 0; n--) {
        set.add(in.getInt());
      }
      sets.add(set);
    }
    return new Configuration(sets.get(0), sets.get(1), sets.get(2));
  }
}
