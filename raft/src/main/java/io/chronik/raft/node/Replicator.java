package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.replication.Progress;
import java.util.List;

/**
 * The leader side of log replication (Raft §5.3): appends per follower driven by its
 * {@link Progress} (one probe at a time, or a pipelined window when replicating), fast back-tracking
 * from a follower's conflict hint, and InstallSnapshot (§7) when the needed entries are compacted.
 */
final class Replicator {

  private final RaftNode node;
  private final RaftLog log;
  private final RaftOptions options;

  Replicator(RaftNode node, RaftLog log, RaftOptions options) {
    this.node = node;
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
      if (!node.maybeCommit() && (wasPaused || pr.match() < log.lastIndex())) {
        while (sendAppend(m.from(), false)) {
          // refill the window
        }
      }
      if (m.from() == node.transferee() && pr.match() == log.lastIndex()) {
        node.send(Message.of(MessageType.TIMEOUT_NOW, node.id(), node.transferee(), node.term()).build());
      }
    }
  }

  /** Sends an append (or a snapshot) to a peer. Returns true if something was sent. */
  boolean sendAppend(int to, boolean sendIfEmpty) {
    Progress pr = node.progressOf(to);
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
    SnapshotMeta meta = log.storage().snapshotMeta();
    byte[] data = log.storage().snapshotData();
    int chunk = options.snapshotChunkBytes();
    for (int off = 0; off == 0 || off < data.length; off += chunk) {
      int len = Math.min(chunk, data.length - off);
      byte[] part = java.util.Arrays.copyOfRange(data, off, off + len);
      node.send(Message.of(MessageType.SNAPSHOT, node.id(), to, node.term()).snapshot(meta, off, part, off + len >= data.length).build());
    }
    pr.becomeSnapshot(meta.index());
    return true;
  }
}
