package io.chronik.raft.node;

import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotChunk;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.List;

/**
 * The follower side of replication (Raft §5.3, §7): accepting appends with the consistency check,
 * answering rejections with a conflict hint for fast back-tracking, learning the commit index, and
 * installing chunked snapshots. Every response is queued in the node's outbox and, per the
 * durability contract, leaves only after the Ready that carries the accepted entries is persisted.
 */
final class Following {

  private final RaftNode node;
  private final RaftLog log;
  private final Membership membership;
  private final Elections elections;
  private final SnapshotReceiver snapshotIn;
  private SnapshotReceiver.Outcome persistedChunks = SnapshotReceiver.Outcome.RECEIVING;
  private SnapshotMeta persistedImage;

  Following(RaftNode node, RaftLog log, Membership membership, Elections elections) {
    this.node = node;
    this.log = log;
    this.membership = membership;
    this.elections = elections;
    this.snapshotIn = new SnapshotReceiver(log.storage());
  }

  /** Snapshot chunks to persist with the Ready being collected. */
  List<SnapshotChunk> snapshotChunks() {
    List<SnapshotChunk> chunks = snapshotIn.drain();
    if (SnapshotReceiver.acknowledged(chunks)) {
      node.send(snapshotIn.acknowledgement(node.id(), node.term()));
    }
    return chunks;
  }

  /** Snapshot chunks refused for a bad checksum since start. */
  long snapshotChunksRefused() {
    return snapshotIn.chunksRefused();
  }

  /** The Ready that carried snapshot chunks is persisted (its advance); acted on by {@link #actOnPersistedChunks}. */
  void snapshotChunksPersisted() {
    persistedChunks = snapshotIn.persisted();
    persistedImage = snapshotIn.receiving();
  }

  /** Chunks to persist, or {@link #actOnPersistedChunks} has something to do: the node has a Ready. */
  boolean snapshotWorkPending() {
    return persistedChunks != SnapshotReceiver.Outcome.RECEIVING || snapshotIn.hasStaged();
  }

  /**
   * At the next Ready (so that the restored log and the Ready installing it appear together): with its
   * last chunk persisted the image is whole (install it) or was refused (the leader starts over from what
   * the storage holds, usually nothing).
   */
  void actOnPersistedChunks() {
    SnapshotReceiver.Outcome outcome = persistedChunks;
    persistedChunks = SnapshotReceiver.Outcome.RECEIVING;
    SnapshotMeta meta = persistedImage;
    persistedImage = null;
    if (meta == null || !meta.equals(snapshotIn.receiving())) {
      return; // installed meanwhile (a chunk found the image whole), or another image is being received
    }
    if (outcome == SnapshotReceiver.Outcome.WHOLE && node.role() != Role.LEADER) {
      installSnapshot(meta, node.leader());
    } else if (outcome == SnapshotReceiver.Outcome.RESEND && node.leader() != RaftNode.NONE) {
      node.send(snapshotIn.status(node.leader(), node.id(), node.term(), true));
    }
  }

  /** A follower passes a ReadIndex request to the leader it knows; false when it knows none. */
  boolean forwardReadIndex(long context) {
    if (node.leader() == RaftNode.NONE) {
      return false;
    }
    node.send(Message.of(MessageType.READ_INDEX, node.id(), node.leader(), node.term()).context(context).build());
    return true;
  }

  /** A follower passes a leadership transfer request to the leader it knows; false when it knows none. */
  boolean forwardTransfer(int target) {
    if (node.leader() == RaftNode.NONE || node.leader() == node.id()) {
      return false;
    }
    node.send(Message.of(MessageType.TRANSFER_LEADER, node.id(), node.leader(), node.term()).log(target, 0).build());
    return true;
  }

  void step(Message m) {
    switch (m.type()) {
      case APPEND:
      case HEARTBEAT:
      case SNAPSHOT:
        node.heardFromLeader(m.from());
        if (m.type() == MessageType.APPEND) {
          handleAppend(m);
        } else if (m.type() == MessageType.HEARTBEAT) {
          commitFromLeader(m.commit());
          Message.Builder response = Message.of(MessageType.HEARTBEAT_RESPONSE, node.id(), m.from(), node.term())
              .context(m.context());
          if (m.commit() > log.lastIndex()) {
            // the leader sends min(our acknowledged match, commit): our log ends below what we once
            // acknowledged (storage lost: wiped or replaced), so tell it where it really ends
            response.reject(log.lastIndex(), 0);
          }
          node.send(response.build());
        } else {
          handleSnapshotChunk(m);
        }
        break;
      case QUIESCE:
        node.heardFromLeader(m.from());
        if (log.lastIndex() == m.index() && log.matchTerm(m.index(), m.logTerm())) {
          commitFromLeader(m.commit());
          node.quiescedByLeader();
        } else {
          // our log does not end where the leader's does: keep our timer running and tell the
          // leader, which wakes it to replicate
          node.wake();
          node.send(Message.of(MessageType.HEARTBEAT_RESPONSE, node.id(), m.from(), node.term())
              .reject(log.lastIndex(), 0).build());
        }
        break;
      case TIMEOUT_NOW:
        if (membership.current().isVoter(node.id())) {
          elections.campaign(false, true);
        }
        break;
      default:
        break;
    }
  }

  private void handleAppend(Message m) {
    if (m.index() < log.committed()) {
      // everything up to our commit index already matches the leader (Log Matching + Leader Completeness)
      node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(log.committed(), 0).build());
      return;
    }
    if (log.matchTerm(m.index(), m.logTerm())) {
      long lastNew = m.index() + m.entries().size();
      long conflict = log.findConflict(m.entries());
      if (conflict != 0) {
        log.append(m.entries().subList((int) (conflict - m.index() - 1), m.entries().size()));
      }
      commitFromLeader(Math.min(m.commit(), lastNew));
      node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(lastNew, 0).build());
      return;
    }
    long hint = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
    node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(m.index(), 0)
        .reject(hint, Math.max(log.term(hint), 0)).build());
  }

  private void commitFromLeader(long index) {
    long before = log.committed();
    if (log.commitTo(Math.min(index, log.lastIndex()))) {
      node.onCommitted(before);
    }
  }

  private void handleSnapshotChunk(Message m) {
    if (log.pendingSnapshot() != null) {
      return; // a restore waits for its Ready: its image's chunk must be the last one persisted before it
    }
    if (m.snapshot().index() <= log.committed()) {
      acknowledge(m.from(), log.committed()); // we hold all it covers: the leader goes back to appends
      return;
    }
    if (snapshotIn.whole(m.snapshot())) {
      installSnapshot(m.snapshot(), m.from()); // received whole before (e.g. before a restart)
      return;
    }
    Message status = snapshotIn.accept(m, node.id(), node.term());
    if (status != null) {
      node.send(status);
    } else if (snapshotIn.takeWholeInOneChunk()) {
      installSnapshot(m.snapshot(), m.from()); // its Ready persists the chunk, then installs it
    }
  }

  /** The storage holds {@code meta}'s image whole: install it unless the log already covers it. */
  private void installSnapshot(SnapshotMeta meta, int leader) {
    snapshotIn.done(meta);
    if (meta.index() <= log.committed()) {
      acknowledge(leader, log.committed());
      return;
    }
    if (log.matchTerm(meta.index(), meta.term())) {
      // we already hold that prefix: fast-forward commit instead of restoring; entries beyond it
      // may still conflict, so only the commit index is promised as matching
      commitFromLeader(meta.index());
      acknowledge(leader, log.committed());
      return;
    }
    log.restore(meta);
    membership.restore(meta.config(), meta.index());
    acknowledge(leader, log.lastIndex());
  }

  private void acknowledge(int leader, long index) {
    if (leader != RaftNode.NONE) {
      node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), leader, node.term()).log(index, 0).build());
    }
  }
}
