package io.chronik.raft.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The core's view of the log: durable entries in {@link LogStorage} followed by an unstable tail
 * (appended by the core, handed out in a Ready, not yet acknowledged as durable), plus commit and
 * apply cursors. Invariants: {@code applied <= committed}; committed entries are never truncated
 * (doing so would violate State Machine Safety, Raft §5.4, so it is a fatal error).
 */
public final class RaftLog {

  private final LogStorage storage;
  /** Index of the first unstable entry; entries below it are read from storage. */
  private long unstableOffset;
  private final ArrayList<Entry> unstable = new ArrayList<>();
  /** Durable entries below {@link #unstableOffset} kept until applied; the rest of the stable log is read from storage. */
  private final HeldEntries held;
  private SnapshotMeta pendingSnapshot;
  private long committed;
  private long applied;
  /**
   * Indexes of the CONFIG entries above the snapshot the log started from, stable or not: membership finds
   * configuration changes here instead of reading every committed entry back from storage (a profile of the
   * produce path found those read-backs among the driver's largest costs, docs/PERFORMANCE.md).
   */
  private final TreeSet<Long> configIndexes = new TreeSet<>();

  /** Keeps up to {@link #HELD_BYTES_DEFAULT} of durable, unapplied entries in memory. */
  public RaftLog(LogStorage storage) {
    this(storage, HELD_BYTES_DEFAULT);
  }

  /** Default of {@code heldBytesMax}: a few loops' worth of one busy group's appends. */
  public static final long HELD_BYTES_DEFAULT = 256 << 10;

  /** @param heldBytesMax durable entries kept in memory until applied (0: every apply reads storage) */
  public RaftLog(LogStorage storage, long heldBytesMax) {
    this.storage = storage;
    this.held = new HeldEntries(heldBytesMax);
    this.unstableOffset = storage.lastIndex() + 1;
    this.committed = Math.max(storage.hardState().commit(), storage.snapshotMeta().index());
    this.applied = storage.snapshotMeta().index();
    this.committed = Math.min(committed, storage.lastIndex());
    indexStoredConfigs(Math.max(storage.snapshotMeta().index() + 1, storage.firstIndex()));
  }

  /** One pass over the stored entries from {@code from}: the start-up replay of membership reads no more. */
  private void indexStoredConfigs(long from) {
    long next = from;
    while (next <= storage.lastIndex()) {
      List<Entry> batch = storage.entries(next, storage.lastIndex() + 1, 1 << 20);
      if (batch.isEmpty()) {
        return;
      }
      for (Entry e : batch) {
        if (e.type() == EntryType.CONFIG) {
          configIndexes.add(e.index());
        }
      }
      next = batch.get(batch.size() - 1).index() + 1;
    }
  }

  /** Indexes of the CONFIG entries in ({@code from}, {@code to}], ascending. */
  public NavigableSet<Long> configIndexes(long from, long to) {
    return to > from ? configIndexes.subSet(from, false, to, true) : Collections.emptyNavigableSet();
  }

  public LogStorage storage() {
    return storage;
  }

  public long committed() {
    return committed;
  }

  public long applied() {
    return applied;
  }

  public long firstIndex() {
    return pendingSnapshot != null ? pendingSnapshot.index() + 1 : storage.firstIndex();
  }

  public long lastIndex() {
    if (!unstable.isEmpty()) {
      return unstableOffset + unstable.size() - 1;
    }
    return pendingSnapshot != null ? pendingSnapshot.index() : storage.lastIndex();
  }

  /**
   * Whether this node's log lacks entries it may once have promised ({@link LogStorage#repairFloorIndex}):
   * it must not campaign until a leader has refilled it.
   */
  public boolean belowRepairFloor() {
    return lastIndex() < storage.repairFloorIndex();
  }

  /**
   * Whether a candidate whose log ends at ({@code lastIdx}, {@code lastTrm}) is at least as up to date
   * as this node's log was before damage was cut away from it (always, once refilled past the floor):
   * the vote restriction of Raft §5.4.1 applied to the log this node once acknowledged from.
   */
  public boolean coversRepairFloor(long lastIdx, long lastTrm) {
    long floorTerm = storage.repairFloorTerm();
    return !belowRepairFloor() || lastTrm > floorTerm
        || (lastTrm == floorTerm && lastIdx >= storage.repairFloorIndex());
  }

  public long lastTerm() {
    return term(lastIndex());
  }

  /** Last index known durable on this node. */
  public long stableLastIndex() {
    return unstableOffset - 1;
  }

  /** Term at index, or -1 if compacted away or beyond the last index. */
  public long term(long index) {
    if (index >= unstableOffset) {
      long i = index - unstableOffset;
      return i < unstable.size() ? unstable.get((int) i).term() : -1;
    }
    if (pendingSnapshot != null) {
      return index == pendingSnapshot.index() ? pendingSnapshot.term() : -1;
    }
    if (index < storage.firstIndex() - 1 || index > storage.lastIndex()) {
      return -1;
    }
    return storage.term(index);
  }

  public boolean matchTerm(long index, long term) {
    long t = term(index);
    return t >= 0 && t == term;
  }

  public boolean isUpToDate(long lastIdx, long lastTrm) {
    long myTerm = lastTerm();
    return lastTrm > myTerm || (lastTrm == myTerm && lastIdx >= lastIndex());
  }

  /** Entries in [lo, hi) bounded by maxBytes (at least one); null if lo is compacted. */
  public List<Entry> entries(long lo, long hi, long maxBytes) {
    if (lo < firstIndex()) {
      return null;
    }
    hi = Math.min(hi, lastIndex() + 1);
    if (lo >= hi) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    long inMemory = held.firstIndex(unstableOffset);
    if (lo < inMemory) {
      List<Entry> stable = storage.entries(lo, Math.min(hi, inMemory), maxBytes);
      out.addAll(stable);
      for (Entry e : stable) {
        bytes += e.sizeBytes();
      }
      if (lo + stable.size() < Math.min(hi, inMemory)) {
        return out; // size limit reached inside storage
      }
    }
    for (long i = Math.max(lo, inMemory); i < hi; i++) {
      Entry e = i < unstableOffset ? held.get(i) : unstable.get((int) (i - unstableOffset));
      bytes += e.sizeBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** Appends at the end or over a conflicting uncommitted suffix. Returns the new last index. */
  public long append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return lastIndex();
    }
    long first = entries.get(0).index();
    if (first <= committed) {
      throw new IllegalStateException("index=" + first + " committed=" + committed + " reason=truncate-committed");
    }
    if (first > lastIndex() + 1) {
      throw new IllegalStateException("index=" + first + " lastIndex=" + lastIndex() + " reason=append-gap");
    }
    if (first < unstableOffset) {
      unstable.clear();
      held.truncateFrom(first);
      unstableOffset = first; // storage suffix from here is superseded; the driver overwrites it
    } else {
      while (unstableOffset + unstable.size() > first) {
        unstable.remove(unstable.size() - 1);
      }
    }
    configIndexes.tailSet(first, true).clear();
    for (Entry e : entries) {
      if (e.type() == EntryType.CONFIG) {
        configIndexes.add(e.index());
      }
    }
    unstable.addAll(entries);
    return lastIndex();
  }

  /** First index in entries whose term differs from ours (or that we lack), 0 if all match. */
  public long findConflict(List<Entry> entries) {
    for (Entry e : entries) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /** The largest index <= index whose term is <= term (etcd's fast back-tracking, §5.3 optimisation). */
  public long findConflictByTerm(long index, long term) {
    index = Math.min(index, lastIndex());
    while (index > 0) {
      long t = term(index);
      if (t < 0 || t <= term) {
        return index;
      }
      index--;
    }
    return 0;
  }

  /** Advances commit; never moves it backwards. Returns true if it moved. */
  public boolean commitTo(long index) {
    if (index <= committed) {
      return false;
    }
    if (index > lastIndex()) {
      throw new IllegalStateException("commit=" + index + " lastIndex=" + lastIndex() + " reason=commit-beyond-log");
    }
    committed = index;
    return true;
  }

  /** Committed entries that are durable here and not yet handed out for applying. */
  public List<Entry> nextCommitted(long appliedThrough, long maxBytes) {
    long hi = Math.min(committed, stableLastIndex());
    if (pendingSnapshot != null || hi <= appliedThrough) {
      return List.of();
    }
    List<Entry> out = entries(appliedThrough + 1, hi + 1, maxBytes);
    return out == null ? List.of() : out;
  }

  public boolean hasUnstable() {
    return !unstable.isEmpty() || pendingSnapshot != null;
  }

  /** Cheap check for {@link #nextCommitted}: is any committed, durable entry not yet handed out? */
  public boolean hasNextCommitted(long appliedThrough) {
    return pendingSnapshot == null && Math.min(committed, stableLastIndex()) > appliedThrough;
  }

  public List<Entry> unstableEntries() {
    return Collections.unmodifiableList(new ArrayList<>(unstable));
  }

  public SnapshotMeta pendingSnapshot() {
    return pendingSnapshot;
  }

  /** The driver made entries up to (index, term) durable. */
  public void stableTo(long index, long term) {
    if (index < unstableOffset || !matchTerm(index, term)) {
      return; // those entries were replaced meanwhile; the replacement is still unstable
    }
    int drop = (int) (index - unstableOffset + 1);
    List<Entry> durable = unstable.subList(0, drop);
    held.add(durable, applied);
    durable.clear();
    unstableOffset = index + 1;
  }

  public void stableSnapshotTo(long index) {
    if (pendingSnapshot != null && pendingSnapshot.index() == index) {
      pendingSnapshot = null;
    }
  }

  public void appliedTo(long index) {
    if (index > committed) {
      throw new IllegalStateException("applied=" + index + " committed=" + committed + " reason=apply-uncommitted");
    }
    applied = Math.max(applied, index);
    held.dropThrough(applied);
  }

  /**
   * Replace everything by a snapshot from the leader (§7) whose image the storage already holds whole
   * ({@link LogStorage#snapshotReceivedWhole}); the driver installs it from there.
   */
  public void restore(SnapshotMeta meta) {
    pendingSnapshot = meta;
    unstable.clear();
    held.clear();
    configIndexes.clear(); // the snapshot carries its configuration; later changes arrive by append
    unstableOffset = meta.index() + 1;
    committed = meta.index();
  }
}
