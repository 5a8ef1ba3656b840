package io.chronik.raft.log;

import java.util.List;

/**
 * The durable state of one Raft group on one node: its log, its {@link HardState} and its latest
 * snapshot. The core only <em>reads</em> storage (to serve appends, answer term queries and restart);
 * the driver <em>writes</em> it while handling a {@link io.chronik.raft.node.Ready}.
 *
 * <h2>Index space</h2>
 * Storage holds entries {@code firstIndex() .. lastIndex()} (empty when {@code lastIndex() ==
 * firstIndex() - 1}). {@code term(firstIndex() - 1)} is always answerable: it is the term of the
 * last compacted entry (or of the snapshot, or 0 for an empty log), which Raft needs for the
 * consistency check of the first retained entry. {@code firstIndex() - 1 <= snapshotMeta().index()}
 * always: entries are only compacted once a snapshot covers them.
 *
 * <h2>Durability contract (what must be durable before what)</h2>
 * For each {@code Ready} the driver must, in this order:
 * <ol>
 *   <li>{@link #persistSnapshotChunk} the Ready's snapshot chunks, {@link #installReceivedSnapshot} its
 *       snapshot (if any), {@link #append} its entries and {@link #saveHardState} its hard state (if any),
 *       then {@link #sync()}.</li>
 *   <li>Only after {@code sync()} returns: send the Ready's messages. They may promise what was just
 *       persisted: a vote response promises the vote and term; an append response promises the
 *       entries; a leader's own acknowledgement counts towards commit. A snapshot status only tells the
 *       leader where to go on sending (its bytes need not be forced yet: after a crash the follower
 *       reports what it forced, and the leader rewinds). Sending earlier could elect two
 *       leaders in one term or lose an acknowledged entry after a crash.</li>
 *   <li>Apply the Ready's committed entries (already durable here: the core never hands out committed
 *       entries that are not yet stable on this node), then call {@code RaftNode.advance(ready)}.</li>
 * </ol>
 * {@code advance} must never be called for a Ready whose writes are not yet durable.
 * Many groups on one node may share one {@code sync()} (group commit): persist every group's Ready,
 * sync once, then send all their messages.
 *
 * <p>{@link #createSnapshot} and {@link #compact} need no sync barrier but must be crash-atomic:
 * after a crash storage shows either the old or the new snapshot, and never misses entries above the
 * durable snapshot's index.
 *
 * <h2>Errors</h2>
 * Reading outside the held range throws {@link LogIndexException}; the core never does so for
 * indexes it has been told exist. Implementations fail loudly (unchecked) on I/O errors: a node that
 * cannot persist must stop, not continue with a forgotten promise.
 */
public interface LogStorage {

  /** The last saved hard state, {@link HardState#EMPTY} for a new node. */
  HardState hardState();

  /** Metadata of the latest snapshot, {@link SnapshotMeta#EMPTY} if none. */
  SnapshotMeta snapshotMeta();

  /** The bytes of the latest snapshot (empty if none). */
  byte[] snapshotData();

  /**
   * What a leader ships by InstallSnapshot for the latest snapshot: {@link #snapshotData()} unless the
   * storage also ships retained entries with it (a group whose log is its data); a follower hands the
   * same bytes to {@link #installSnapshot}.
   */
  default byte[] snapshotImage() {
    return snapshotData();
  }

  /**
   * The image of the latest snapshot ({@link #snapshotImage()}'s bytes) read chunk by chunk, for one
   * InstallSnapshot transfer. A storage with a large image streams it from its files.
   */
  default SnapshotSource snapshotSource() {
    return SnapshotSource.of(snapshotMeta(), snapshotImage());
  }

  /**
   * Appends a chunk a follower received to what it holds of that snapshot's image (the driver, for a
   * Ready's {@code snapshotChunks}, before the sync). A chunk at offset 0 starts the image anew
   * (replacing whatever is held); a chunk that does not continue the held bytes is ignored. With the last chunk the whole
   * image is checked against {@link SnapshotChunk#imageCrc()} (and, where the storage knows the format,
   * decoded): a mismatch drops the image and is counted ({@link #snapshotImagesRefused()}).
   */
  void persistSnapshotChunk(SnapshotChunk chunk);

  /** Bytes of {@code meta}'s image held from chunks persisted so far (0: none, or another snapshot's). */
  long snapshotBytesReceived(SnapshotMeta meta);

  /** True once the last chunk of {@code meta}'s image was persisted and the whole image checked. */
  boolean snapshotReceivedWhole(SnapshotMeta meta);

  /**
   * Replaces everything with the image of {@code meta} received whole in chunks, as
   * {@link #installSnapshot} does with bytes; returns the image's size in bytes.
   */
  long installReceivedSnapshot(SnapshotMeta meta);

  /**
   * Starts persisting a Ready's {@code chunks} and {@code snapshot} (null: none) when part of it grows with
   * the image: the check of an image whose last chunk is among {@code chunks}, or writing the entries of the
   * image {@code snapshot} installs. Does the quick part now (writing the chunks; sealing the image) and
   * returns the rest, to {@link SnapshotWork#run} on another thread; null when there is no such part (then
   * persist the Ready as usual; nothing was done). Until {@link #completeSnapshotWork} the caller asks
   * nothing about snapshot images of this storage and persists no other Ready of it; the log itself stays
   * the caller's (reads, compaction). Driver thread.
   */
  default SnapshotWork beginSnapshotWork(List<SnapshotChunk> chunks, SnapshotMeta snapshot) {
    return null;
  }

  /**
   * Finishes what {@link #beginSnapshotWork} started, once its work ran: applies the check's verdict, or
   * replaces the log and the snapshot with the installed image (as {@link #installReceivedSnapshot} does;
   * durable before it returns). Returns the installed image's size in bytes, 0 when it installed none.
   * A failure of the work is thrown here. Driver thread.
   */
  default long completeSnapshotWork(SnapshotWork work) {
    throw new IllegalStateException("reason=storage-begins-no-snapshot-work");
  }

  /** Received images refused by the whole-image check since start. */
  long snapshotImagesRefused();

  /** Index of the first retained entry; {@code snapshotMeta().index() + 1} right after compaction. */
  long firstIndex();

  /** Index of the last entry, {@code firstIndex() - 1} when the log is empty. */
  long lastIndex();

  /**
   * Every entry up to here is on stable storage (as of the last {@link #sync}); a commit this node
   * reports never exceeds it.
   */
  long durableIndex();

  /** Term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}. */
  long term(long index);

  /**
   * Entries in {@code [fromIndex, toIndexExclusive)}, stopping early once their total
   * {@link Entry#sizeBytes()} would exceed {@code maxBytes}, but always at least one entry when the
   * range is not empty (so a large entry still makes progress).
   */
  List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes);

  /**
   * Appends contiguous entries. If the first entry's index is {@code <= lastIndex()}, the suffix from
   * that index is replaced (a leader overwrote a conflicting tail). Requires
   * {@code firstIndex() <= entries.get(0).index() <= lastIndex() + 1}.
   */
  void append(List<Entry> entries);

  /** Removes every entry with index {@code >= fromIndex} (a conflicting suffix). */
  void truncateSuffix(long fromIndex);

  /** Replaces the hard state. */
  void saveHardState(HardState state);

  /**
   * Replaces everything with a snapshot received from a leader: the log becomes empty with
   * {@code firstIndex() == meta.index() + 1} and {@code term(meta.index()) == meta.term()}.
   */
  void installSnapshot(SnapshotMeta meta, byte[] data);

  /**
   * Records a snapshot this node's state machine took at {@code meta.index()} (an applied index).
   * The log is kept; call {@link #compact} to drop entries it covers.
   */
  void createSnapshot(SnapshotMeta meta, byte[] data);

  /** Drops entries {@code <= throughIndex}; requires {@code throughIndex <= snapshotMeta().index()}. */
  void compact(long throughIndex);

  /** Makes every write so far durable (the fsync barrier of the durability contract). */
  void sync();

  /**
   * The index of the last entry this node held before damaged durable data was cut away from its log
   * (it may have acknowledged everything up to it), or 0 when nothing was cut. Until the log reaches it
   * again (refilled from a leader) the node does not campaign, and grants a vote only to a candidate at
   * least as up to date as that lost last entry ({@link #repairFloorTerm}): judged by its cut log, it
   * would vote for a leader that lacks an entry committed with its own acknowledgement. Acknowledging
   * appends stays safe (a refilled entry is the leader's).
   */
  default long repairFloorIndex() {
    return 0;
  }

  /** The term of the entry at {@link #repairFloorIndex} (0 when there is no floor). */
  default long repairFloorTerm() {
    return 0;
  }
}
