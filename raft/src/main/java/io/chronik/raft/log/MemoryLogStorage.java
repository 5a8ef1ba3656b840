package io.chronik.raft.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reference {@link LogStorage} in memory. Every write is immediately "durable", so {@link #sync()}
 * does nothing: the simulator models lost writes by crashing a node before it persists a Ready.
 * Not thread-safe; one group's storage is used by one thread at a time.
 */
public final class MemoryLogStorage implements LogStorage {

  private HardState hardState = HardState.EMPTY;
  private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
  private byte[] snapshotData = new byte[0];
  /** Index and term of the last compacted entry (0, 0 for an uncompacted log). */
  private long offsetIndex;
  private long offsetTerm;
  private final ArrayList<Entry> entries = new ArrayList<>();
  private final ReceivedImage received = new ReceivedImage();

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

  @Override
  public long firstIndex() {
    return offsetIndex + 1;
  }

  @Override
  public long lastIndex() {
    return offsetIndex + entries.size();
  }

  @Override
  public long term(long index) {
    if (index == offsetIndex) {
      return offsetTerm;
    }
    if (index < offsetIndex || index > lastIndex()) {
      throw new LogIndexException(index, firstIndex(), lastIndex(), "term-unavailable");
    }
    return entries.get((int) (index - offsetIndex - 1)).term();
  }

  @Override
  public List<Entry> entries(long fromIndex, long toIndexExclusive, long maxBytes) {
    if (fromIndex < firstIndex() || toIndexExclusive > lastIndex() + 1) {
      throw new LogIndexException(fromIndex, firstIndex(), lastIndex(), "range-unavailable to=" + toIndexExclusive);
    }
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = fromIndex; i < toIndexExclusive; i++) {
      Entry e = entries.get((int) (i - offsetIndex - 1));
      bytes += e.sizeBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public void append(List<Entry> newEntries) {
    if (newEntries.isEmpty()) {
      return;
    }
    long first = newEntries.get(0).index();
    if (first < firstIndex() || first > lastIndex() + 1) {
      throw new LogIndexException(first, firstIndex(), lastIndex(), "append-gap");
    }
    truncateSuffix(first);
    long expected = first;
    for (Entry e : newEntries) {
      if (e.index() != expected++) {
        throw new LogIndexException(e.index(), firstIndex(), lastIndex(), "append-not-contiguous");
      }
      entries.add(e);
    }
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    if (fromIndex <= offsetIndex) {
      throw new LogIndexException(fromIndex, firstIndex(), lastIndex(), "truncate-below-compaction");
    }
    while (lastIndex() >= fromIndex) {
      entries.remove(entries.size() - 1);
    }
  }

  @Override
  public void saveHardState(HardState state) {
    hardState = state;
  }

  @Override
  public void installSnapshot(SnapshotMeta meta, byte[] data) {
    snapshot = meta;
    snapshotData = data.clone();
    entries.clear();
    offsetIndex = meta.index();
    offsetTerm = meta.term();
  }

  @Override
  public void persistSnapshotChunk(SnapshotChunk chunk) {
    received.persist(chunk);
  }

  @Override
  public long snapshotBytesReceived(SnapshotMeta meta) {
    return received.received(meta);
  }

  @Override
  public boolean snapshotReceivedWhole(SnapshotMeta meta) {
    return received.whole(meta);
  }

  @Override
  public long installReceivedSnapshot(SnapshotMeta meta) {
    byte[] image = received.take(meta);
    installSnapshot(meta, image);
    return image.length;
  }

  @Override
  public long snapshotImagesRefused() {
    return received.refused();
  }

  @Override
  public void createSnapshot(SnapshotMeta meta, byte[] data) {
    if (meta.index() > lastIndex() || meta.index() < snapshot.index()) {
      throw new LogIndexException(meta.index(), firstIndex(), lastIndex(), "snapshot-out-of-range");
    }
    snapshot = meta;
    snapshotData = data.clone();
  }

  @Override
  public void compact(long throughIndex) {
    if (throughIndex <= offsetIndex) {
      return;
    }
    if (throughIndex > snapshot.index()) {
      throw new LogIndexException(throughIndex, firstIndex(), lastIndex(), "compact-beyond-snapshot");
    }
    long term = term(throughIndex);
    entries.subList(0, (int) (throughIndex - offsetIndex)).clear();
    offsetIndex = throughIndex;
    offsetTerm = term;
  }

  /** Every write is as durable as this storage gets: the whole log. */
  @Override
  public long durableIndex() {
    return lastIndex();
  }

  @Override
  public void sync() {
    // every write above is already as durable as this storage gets
  }
}
