package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.replication.Progress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The leader side of log replication (Raft §5.3): appends per follower driven by its
 * {@link Progress} (one probe at a time, or a pipelined window when replicating), fast back-tracking
 * from a follower's conflict hint, and InstallSnapshot (§7) when the needed entries are compacted.
 *
 * <p>A snapshot goes out in chunks of {@link RaftOptions#snapshotChunkBytes()}, at most
 * {@link RaftOptions#snapshotBytesPerTick()} per tick (so a large image cannot crowd out appends of the
 * other groups on the link); each chunk is {@code crc32c int, data}, checked by the follower's
 * {@link SnapshotAssembly}. The image is taken once per transfer and dropped after its last chunk.
 */
final class Replicator {

  private final RaftNode node;
  private final Leadership leadership;
  private final RaftLog log;
  private final RaftOptions options;
  /** Snapshot transfers still sending, by follower. */
  private final Map<Integer, Transfer> transfers = new HashMap<>();
  private long snapshotsSent;
  private long snapshotBytesSent;

  private static final class Transfer {
    final SnapshotMeta meta;
    final byte[] image;
    int sent;

    Transfer(SnapshotMeta meta, byte[] image) {
      this.meta = meta;
      this.image = image;
    }
  }

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
    SnapshotMeta meta = log.storage().snapshotMeta();
    Transfer t = new Transfer(meta, log.storage().snapshotImage());
    pr.becomeSnapshot(meta.index());
    snapshotsSent++;
    sendChunks(to, t);
    if (t.sent < t.image.length) {
      transfers.put(to, t);
    }
    return true;
  }

  /** Leader, every tick: the next chunks of each unfinished transfer (dropped when the follower moved on). */
  void continueSnapshots() {
    for (Iterator<Map.Entry<Integer, Transfer>> it = transfers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, Transfer> e = it.next();
      Progress pr = leadership.progress(e.getKey());
      Transfer t = e.getValue();
      if (pr == null || pr.state() != Progress.State.SNAPSHOT || pr.pendingSnapshot() != t.meta.index()) {
        it.remove();
        continue;
      }
      sendChunks(e.getKey(), t);
      pr.snapshotProgressed();
      if (t.sent >= t.image.length) {
        it.remove();
      }
    }
  }

  /** Not leading any more: nothing to finish. */
  void dropTransfers() {
    transfers.clear();
  }

  private void sendChunks(int to, Transfer t) {
    long budget = options.snapshotBytesPerTick();
    int chunk = options.snapshotChunkBytes();
    do {
      int len = Math.min(chunk, t.image.length - t.sent);
      CRC32C crc = new CRC32C();
      crc.update(t.image, t.sent, len);
      byte[] part = ByteBuffer.allocate(4 + len).putInt((int) crc.getValue()).put(t.image, t.sent, len).array();
      boolean last = t.sent + len >= t.image.length;
      node.send(Message.of(MessageType.SNAPSHOT, node.id(), to, node.term()).snapshot(t.meta, t.sent, part, last).build());
      t.sent += len;
      snapshotBytesSent += len;
      budget -= len;
    } while (budget > 0 && t.sent < t.image.length);
  }

  long snapshotsSent() {
    return snapshotsSent;
  }

  long snapshotBytesSent() {
    return snapshotBytesSent;
  }
}
