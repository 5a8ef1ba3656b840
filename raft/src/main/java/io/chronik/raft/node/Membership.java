package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.membership.ConfigChange;
import io.chronik.raft.membership.Configuration;
import java.util.List;
import java.util.TreeMap;

/**
 * Tracks the group configuration as committed entries change it. Changes take effect once
 * committed (etcd applies them when applied; committing is the earliest safe point and keeps the
 * core self-contained). History by index lets a snapshot at any applied index carry the right
 * configuration.
 */
final class Membership {

  /** Payload bytes per read when scanning the log for CONFIG entries (at least one entry). */
  static final long SCAN_BYTES = 1 << 20;

  private final TreeMap<Long, Configuration> history = new TreeMap<>();
  private long pendingIndex;

  Membership(Configuration initial, long index) {
    history.put(index, initial);
  }

  Configuration current() {
    return history.lastEntry().getValue();
  }

  Configuration at(long index) {
    var e = history.floorEntry(index);
    return e == null ? history.firstEntry().getValue() : e.getValue();
  }

  void pendingAt(long index) {
    pendingIndex = Math.max(pendingIndex, index);
  }

  /** A leader admits one change at a time: the previous must be committed and any joint phase left. */
  boolean changePending(long committed) {
    return pendingIndex > committed || current().joint();
  }

  void replayCommitted(RaftLog log, long from, long to) {
    applyCommitted(log, from, to);
  }

  /** Applies CONFIG entries in (from, to]. Returns true if the last one applied entered a joint config. */
  boolean applyCommitted(RaftLog log, long from, long to) {
    if (to <= from) {
      return false;
    }
    boolean enteredJoint = false;
    long next = from + 1;
    while (next <= to) {
      List<Entry> batch = log.entries(next, to + 1, SCAN_BYTES);
      if (batch == null || batch.isEmpty()) {
        break;
      }
      for (Entry e : batch) {
        if (e.type() == EntryType.CONFIG) {
          ConfigChange change = ConfigChange.decode(e.payload());
          Configuration before = current();
          Configuration after = change.applyTo(before);
          history.put(e.index(), after);
          enteredJoint = change.kind() == ConfigChange.Kind.ENTER_JOINT && after.joint() && !before.joint();
        }
      }
      next = batch.get(batch.size() - 1).index() + 1;
    }
    return enteredJoint;
  }

  /** True while a change (or a new leader's first entry) is not committed: only then can one be in flight. */
  boolean mayHoldUncommittedChange(long committed) {
    return pendingIndex > committed;
  }

  /**
   * The first CONFIG entry in (from, to], or {@code to} if there is none. A change takes effect as it
   * commits and the entries behind it need the new configuration's quorum, so a leader commits at most
   * up to the change, applies it, then counts again under the new voters: a leader that restarted
   * before its enter-joint entry committed must not commit the leave-joint entry behind it with the old
   * voters alone.
   */
  long firstChangeIn(RaftLog log, long from, long to) {
    long change = firstConfigIn(log, from, to);
    return change < 0 ? to : change;
  }

  /** True if (committed, lastIndex] holds a CONFIG entry. */
  boolean uncommittedChangeIn(RaftLog log, long committed) {
    return firstConfigIn(log, committed, log.lastIndex()) >= 0;
  }

  /**
   * Index of the first CONFIG entry in (from, to], or -1, read {@link #SCAN_BYTES} at a time: after a
   * restart the range can be every entry above the stored commit index, far more than a heap holds.
   */
  private static long firstConfigIn(RaftLog log, long from, long to) {
    for (long next = from + 1; next <= to; ) {
      List<Entry> batch = log.entries(next, to + 1, SCAN_BYTES);
      if (batch == null || batch.isEmpty()) {
        return -1;
      }
      for (Entry e : batch) {
        if (e.type() == EntryType.CONFIG) {
          return e.index();
        }
      }
      next = batch.get(batch.size() - 1).index() + 1;
    }
    return -1;
  }

  void restore(Configuration config, long index) {
    history.clear();
    history.put(index, config);
  }
}
