package io.chronik.raft.node;

import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;

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
  private final SnapshotAssembly snapshotIn = new SnapshotAssembly();

  Following(RaftNode node, RaftLog log, Membership membership, Elections elections) {
    this.node = node;
    this.log = log;
    this.membership = membership;
    this.elections = elections;
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
    byte[] data = snapshotIn.accept(m);
    if (data == null) {
      return;
    }
    SnapshotMeta meta = m.snapshot();
    if (meta.index() <= log.committed()) {
      node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(log.committed(), 0).build());
      return;
    }
    if (log.matchTerm(meta.index(), meta.term())) {
      // we already hold that prefix: fast-forward commit instead of restoring; entries beyond it
      // may still conflict, so only the commit index is promised as matching
      commitFromLeader(meta.index());
      node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(log.committed(), 0).build());
      return;
    }
    log.restore(meta, data);
    membership.restore(meta.config(), meta.index());
    node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).log(log.lastIndex(), 0).build());
  }
}
