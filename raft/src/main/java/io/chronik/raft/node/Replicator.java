package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.LogIndexException;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.replication.Progress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The leader side of log replication (Raft §5.3): appends per follower driven by its
 * {@link Progress} (one probe at a time, or a pipelined window when replicating), fast back-tracking
 * from a follower's conflict hint, and InstallSnapshot (§7) when the needed entries are compacted.
 *
 * <p>A snapshot goes out as a {@link SnapshotTransfer}: chunks of {@link RaftOptions#snapshotChunkBytes()}
 * read from the storage as they go, at most {@link RaftOptions#snapshotBytesPerTick()} per tick (so a
 * large image cannot crowd out appends of the other groups on the link) and at most
 * {@link RaftOptions#snapshotWindowBytes()} unacknowledged; the follower's {@link SnapshotReceiver}
 * persists them and reports how far it holds the image, which is also where a new transfer resumes.
 */
final class Replicator {

  private final RaftNode node;
  private final Leadership leadership;
  private final RaftLog log;
  private final RaftOptions options;
  /** Snapshot transfers under way, by follower. */
  private final Map<Integer, SnapshotTransfer> transfers = new HashMap<>();
  private long snapshotsSent;
  private long snapshotBytesSent;
  private long snapshotPeakUnackedBytes;
  /** Per follower, how far it held an image when its last transfer ended: where the next one starts. */
  private final Map<Integer, Resume> resumes = new HashMap<>();

  private record Resume(SnapshotMeta meta, long offset) {}

  Replicator(RaftNode node, Leadership leadership, RaftLog log, RaftOptions options) {
    this.node = node;
    this.leadership = leadership;
    this.log = log;
    this.options = options;
  }

  void handleAppendResponse(Message m, Progress pr) {
    if (m.reject()) {
      if (m.rejectHint() < pr.match() && m.index() > m.rejectHint()) {
        // the follower's log ends below what it acknowledged: it lost its disk (wiped or replaced).
        // Forget the acknowledgement and probe from its real end; the commit index never moves back,
        // so this costs resends only (a stale rejection just makes the follower re-acknowledge).
        pr.lostEntries(m.rejectHint());
        sendAppend(m.from(), true);
        return;
      }
      long probe = m.rejectHint();
      if (m.logTerm() > 0) {
        probe = log.findConflictByTerm(m.rejectHint(), m.logTerm());
      }
      if (pr.rejected(m.index(), probe + 1)) {
        sendAppend(m.from(), true);
      }
      return;
    }
    boolean wasPaused = pr.paused();
    if (pr.acked(m.index())) {
      if (pr.state() == Progress.State.PROBE) {
        pr.becomeReplicate();
      } else if (pr.state() == Progress.State.SNAPSHOT && pr.match() >= pr.pendingSnapshot()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      if (!leadership.maybeCommit() && (wasPaused || pr.match() < log.lastIndex())) {
        while (sendAppend(m.from(), false)) {
          // refill the window
        }
      }
      if (m.from() == leadership.transferee() && pr.match() == log.lastIndex()) {
        node.send(Message.of(MessageType.TIMEOUT_NOW, node.id(), leadership.transferee(), node.term()).build());
      }
    }
  }

  /** Sends an append (or a snapshot) to a peer. Returns true if something was sent. */
  boolean sendAppend(int to, boolean sendIfEmpty) {
    Progress pr = leadership.progress(to);
    if (pr == null || pr.paused()) {
      return false;
    }
    long prevIndex = pr.next() - 1;
    long prevTerm = log.term(prevIndex);
    List<Entry> entries = log.entries(pr.next(), log.lastIndex() + 1, options.appendBytesMax());
    if (prevTerm < 0 || entries == null) {
      return sendSnapshot(to, pr);
    }
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    node.send(Message.of(MessageType.APPEND, node.id(), to, node.term()).log(prevIndex, prevTerm).entries(entries)
        .commit(log.committed()).build());
    pr.sent(entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index(), !entries.isEmpty());
    return true;
  }

  private boolean sendSnapshot(int to, Progress pr) {
    if (!pr.recentActive()) {
      return false; // don't ship a large snapshot to a peer that may be down
    }
    SnapshotTransfer old = transfers.get(to);
    Resume resume = old != null ? new Resume(old.meta(), old.acked()) : resumes.remove(to);
    SnapshotTransfer t = new SnapshotTransfer(log.storage(), options);
    if (resume != null && resume.meta().equals(t.meta())) {
      t.resumeAt(resume.offset());
    }
    pr.becomeSnapshot(t.meta().index());
    snapshotsSent++;
    transfers.put(to, t);
    if (!pump(to, t, pr)) {
      transfers.remove(to);
    }
    return true;
  }

  /** A follower's SNAPSHOT_STATUS: how far it holds the image; the window moves on (or back, after a gap). */
  void handleSnapshotStatus(Message m, Progress pr) {
    SnapshotTransfer t = transfers.get(m.from());
    if (t == null || pr.state() != Progress.State.SNAPSHOT || !t.meta().equals(m.snapshot())) {
      return;
    }
    pr.snapshotProgressed();
    t.onStatus(m.index(), m.reject());
    if (!pump(m.from(), t, pr)) {
      transfers.remove(m.from());
    }
  }

  /** Leader, every tick: the rate limit's budget is refilled and each transfer sends on (dropped when the follower moved on). */
  void continueSnapshots() {
    for (Iterator<Map.Entry<Integer, SnapshotTransfer>> it = transfers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, SnapshotTransfer> e = it.next();
      Progress pr = leadership.progress(e.getKey());
      SnapshotTransfer t = e.getValue();
      if (pr == null || pr.state() != Progress.State.SNAPSHOT || pr.pendingSnapshot() != t.meta().index()) {
        resumes.put(e.getKey(), new Resume(t.meta(), t.acked()));
        it.remove();
        continue;
      }
      t.tick();
      if (!pump(e.getKey(), t, pr)) {
        it.remove();
      }
    }
  }

  /** Not leading any more: nothing to finish (a later leader learns from the followers where they are). */
  void dropTransfers() {
    transfers.clear();
    resumes.clear();
  }

  /** Sends what the transfer may; false when it ended (the follower is probed, a new transfer follows). */
  private boolean pump(int to, SnapshotTransfer t, Progress pr) {
    boolean going;
    try {
      snapshotBytesSent += t.pump(node, to);
      going = !t.broken();
    } catch (LogIndexException compacted) {
      going = false; // retention dropped entries of the image: start over with what the storage holds now
    }
    if (!going) {
      pr.becomeProbe();
      return false;
    }
    snapshotPeakUnackedBytes = Math.max(snapshotPeakUnackedBytes, t.peakUnackedBytes());
    return true;
  }

  /** The most snapshot bytes any transfer of this leader had sent and not yet acknowledged at once. */
  long snapshotPeakUnackedBytes() {
    return snapshotPeakUnackedBytes;
  }

  long snapshotsSent() {
    return snapshotsSent;
  }

  long snapshotBytesSent() {
    return snapshotBytesSent;
  }
}
