package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.membership.ConfigChange;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.replication.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's side of a group: one {@link Progress} per member (its {@link Replicator} sends the
 * appends and snapshots they call for), the commit rule that counts them (§5.4.2), the members a
 * committed configuration change leaves, leadership transfer (§3.10), check-quorum, heartbeats,
 * ReadIndex (§6.4) and the idle check that lets the group quiesce.
 *
 * <p>Role, term, vote, leader and the election timer stay {@link RaftNode}'s: this class only reads them
 * and asks the node to change them, so each piece of state keeps one writer.
 */
final class Leadership {

  private final RaftNode node;
  private final int id;
  private final RaftLog log;
  private final Membership membership;
  private final RaftOptions options;
  private final Replicator replicator;
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final TreeMap<Integer, Progress> progress = new TreeMap<>();
  private int transferee = RaftNode.NONE;
  /** Voters a removed leader already tried to hand off to in vain ({@link #handOffAfterRemoval}). */
  private final TreeSet<Integer> handOffsTried = new TreeSet<>();
  private boolean broadcastPending;

  Leadership(RaftNode node, RaftLog log, Membership membership, RaftOptions options) {
    this.node = node;
    this.id = node.id();
    this.log = log;
    this.membership = membership;
    this.options = options;
    this.replicator = new Replicator(node, this, log, options);
  }

  Replicator replicator() {
    return replicator;
  }

  /** Replication progress of {@code peer}, whatever the role (null if not tracked). */
  Progress progress(int peer) {
    return progress.get(peer);
  }

  int transferee() {
    return transferee;
  }

  boolean broadcastPending() {
    return broadcastPending;
  }

  /** A new term or role: the old term's progress, transfer and reads mean nothing any more. */
  void clear() {
    transferee = RaftNode.NONE;
    handOffsTried.clear();
    progress.clear();
    replicator.dropTransfers();
    reads.clear();
  }

  /** This node just won its term: track every member and append the term's first entries. */
  void start() {
    for (int member : membership.current().members()) {
      progress.put(member, new Progress(log.lastIndex() + 1, options.inflightMax()));
    }
    Progress self = progress.computeIfAbsent(id, k -> new Progress(log.lastIndex() + 1, options.inflightMax()));
    self.acked(log.stableLastIndex());
    self.becomeReplicate();
    List<Entry> first = new ArrayList<>();
    // a no-op of the new term lets earlier entries commit (§5.4.2) and serves ReadIndex (§6.4)
    first.add(Entry.normal(log.lastIndex() + 1, node.term(), new byte[0]));
    if (membership.current().joint() && !membership.uncommittedChangeIn(log, log.committed())) {
      first.add(new Entry(log.lastIndex() + 2, node.term(), EntryType.CONFIG, ConfigChange.leaveJoint().encode()));
    }
    membership.pendingAt(log.lastIndex() + first.size());
    appendAsLeader(first);
  }

  private void appendAsLeader(List<Entry> entries) {
    log.append(entries);
    broadcastPending = true;
  }

  /** See {@link RaftNode#propose(List)}; the caller checked that this node leads. */
  ProposeResult propose(List<byte[]> payloads) {
    if (transferee != RaftNode.NONE
        || log.lastIndex() - log.committed() + payloads.size() > options.uncommittedEntriesMax()) {
      return ProposeResult.REFUSED_OVERLOADED;
    }
    long first = log.lastIndex() + 1;
    List<Entry> entries = new ArrayList<>(payloads.size());
    for (byte[] p : payloads) {
      entries.add(Entry.normal(first + entries.size(), node.term(), p));
    }
    appendAsLeader(entries);
    return ProposeResult.accepted(first);
  }

  /** See {@link RaftNode#proposeConfiguration}; the caller checked that this node leads. */
  boolean proposeConfiguration(SortedSet<Integer> voters, SortedSet<Integer> learners) {
    if (transferee != RaftNode.NONE || membership.changePending(log.committed()) || voters.isEmpty()) {
      return false;
    }
    for (int voter : voters) {
      if (!membership.current().isVoter(voter) && !caughtUpLearner(voter)) {
        return false;
      }
    }
    ConfigChange change = ConfigChange.toward(membership.current(), voters, learners);
    long index = log.lastIndex() + 1;
    appendAsLeader(List.of(new Entry(index, node.term(), EntryType.CONFIG, change.encode())));
    membership.pendingAt(index);
    return true;
  }

  /**
   * A new voter must have been a learner that holds every committed entry: a member that joins empty as a
   * voter counts toward commits and elections before it holds the log, so one more failure could commit
   * on, or elect, nodes that lack committed entries (and a quorum that needs it waits for its catch-up).
   */
  private boolean caughtUpLearner(int peer) {
    Progress pr = progress.get(peer);
    return membership.current().learners().contains(peer) && pr != null && pr.match() >= log.committed();
  }

  /**
   * Starts handing leadership to {@code target} (TimeoutNow once it is caught up, §3.10). False if the
   * request is ignored; true when the caller must restart its election timer, which bounds the transfer.
   */
  boolean transfer(int target) {
    if (target == id || !membership.current().isVoter(target) || transferee == target) {
      return false;
    }
    transferee = target;
    Progress pr = progress.get(target);
    if (pr != null && pr.match() == log.lastIndex()) {
      node.send(Message.of(MessageType.TIMEOUT_NOW, id, target, node.term()).build());
    } else {
      replicator.sendAppend(target, true);
    }
    return true;
  }

  /** A transfer that did not finish within an election timeout is abandoned. */
  void abandonTransfer() {
    transferee = RaftNode.NONE;
  }

  /** Leader, every tick after the election-timeout checks: hand-off retry, snapshot chunks and timeouts. */
  void tick() {
    if (transferee == RaftNode.NONE && !membership.current().isVoter(id)) {
      handOffAfterRemoval(); // retry: an earlier hand-off timed out
    }
    replicator.continueSnapshots();
    for (Progress pr : progress.values()) {
      if (pr.snapshotTimedOut(options.electionTicks() * 2)) {
        pr.becomeProbe();
      }
    }
  }

  /** The driver heard from {@code peer}'s process lately: it counts as recently active for check-quorum. */
  void peerAlive(int peer) {
    Progress pr = progress.get(peer);
    if (pr != null) {
      pr.recentActive(true);
    }
  }

  /** Check-quorum: did a quorum of voters contact this leader since the last check? Resets the marks. */
  boolean hasRecentQuorum() {
    boolean ok = membership.current().hasQuorum(p -> {
      if (p == id) {
        return true;
      }
      Progress pr = progress.get(p);
      return pr != null && pr.recentActive();
    });
    for (var e : progress.entrySet()) {
      if (e.getKey() != id) {
        e.getValue().recentActive(false);
      }
    }
    return ok;
  }

  /** A response from a peer of this leader's term. */
  void step(Message m) {
    Progress pr = progress.get(m.from());
    if (pr == null) {
      return;
    }
    pr.recentActive(true);
    switch (m.type()) {
      case APPEND_RESPONSE:
        replicator.handleAppendResponse(m, pr);
        break;
      case SNAPSHOT_STATUS:
        replicator.handleSnapshotStatus(m, pr);
        break;
      case HEARTBEAT_RESPONSE:
        if (m.reject() && m.rejectHint() < pr.match()) {
          pr.lostEntries(m.rejectHint()); // its storage was lost: re-replicate from its real end
        }
        pr.resumeProbe();
        pr.freeOneIfFull();
        pr.readAck(m.context());
        releaseReads();
        if (pr.match() < log.lastIndex()) {
          // an empty append at next-1 either confirms the follower or makes it reject and so
          // exposes appends lost in flight (the leader then falls back to probing)
          replicator.sendAppend(m.from(), true);
        }
        break;
      default:
        break;
    }
  }

  /** Sends the appends that accumulated since the last Ready (one batch per follower), if leading. */
  void flushAppends(boolean leading) {
    if (broadcastPending && leading) {
      for (int peer : progress.keySet()) {
        if (peer != id) {
          replicator.sendAppend(peer, true);
          while (progress.get(peer).state() == Progress.State.REPLICATE && replicator.sendAppend(peer, false)) {
            // keep filling the pipeline window
          }
        }
      }
    }
    broadcastPending = false;
  }

  /** The driver made more of the log durable: the leader counts itself only for what is on its own disk. */
  void selfDurable() {
    Progress self = progress.get(id);
    if (self != null && self.acked(log.stableLastIndex())) {
      maybeCommit();
    }
  }

  /** Commit the majority-replicated index, but only by counting replicas of a current-term entry (§5.4.2). */
  boolean maybeCommit() {
    long index = membership.current().committedIndex(
        peer -> progress.containsKey(peer) ? progress.get(peer).match() : 0);
    if (index <= log.committed() || index == Long.MAX_VALUE || log.term(index) != node.term()) {
      return false;
    }
    long counted = index;
    if (membership.mayHoldUncommittedChange(log.committed())) {
      index = membership.firstChangeIn(log, log.committed(), index); // onCommitted counts again under it
    }
    long before = log.committed();
    log.commitTo(index);
    node.onCommitted(before);
    broadcastPending = true; // followers learn the new commit index promptly
    if (index < counted) {
      maybeCommit(); // a change that left the configuration as it was triggers no recount of its own
    }
    return true;
  }

  /** The leader's membership changed by a committed entry: track the new members, finish the change. */
  void membershipChanged(boolean enteredJoint) {
    for (int member : membership.current().members()) {
      progress.computeIfAbsent(member, k -> new Progress(log.lastIndex() + 1, options.inflightMax()));
    }
    progress.keySet().removeIf(peer -> peer != id && !membership.current().members().contains(peer));
    if (enteredJoint) {
      long index = log.lastIndex() + 1;
      appendAsLeader(List.of(new Entry(index, node.term(), EntryType.CONFIG, ConfigChange.leaveJoint().encode())));
      membership.pendingAt(index);
    } else if (!membership.current().isVoter(id)) {
      handOffAfterRemoval();
    }
    maybeCommit(); // the new voter set may already have acknowledged more
  }

  /**
   * A leader removed from the configuration keeps leading (without counting itself) until it has
   * handed leadership to the most caught-up voter. Stepping down at once could strand the group:
   * the remaining voters may not yet know the removal committed, and nodes with longer logs would
   * refuse to vote for them. A retry skips the voters already tried: the most caught-up one by its
   * last acknowledgement may be gone for good (a voter whose disk was lost keeps its old match), and
   * retrying it alone would keep the leader transferring, refusing proposals, forever.
   */
  private void handOffAfterRemoval() {
    int best = bestHandOffTarget();
    if (best == RaftNode.NONE && !handOffsTried.isEmpty()) {
      handOffsTried.clear(); // every voter tried: start the round again
      best = bestHandOffTarget();
    }
    if (best != RaftNode.NONE) {
      handOffsTried.add(best);
      node.transferLeadership(best);
    }
  }

  private int bestHandOffTarget() {
    int best = RaftNode.NONE;
    long bestMatch = -1;
    for (int voter : membership.current().voters()) {
      Progress pr = progress.get(voter);
      if (pr != null && !handOffsTried.contains(voter) && pr.match() > bestMatch) {
        best = voter;
        bestMatch = pr.match();
      }
    }
    return best;
  }

  // ---------------------------------------------------------------- heartbeats and quiescence

  /**
   * Nothing to do for anyone. Every entry is committed and every member (voters and learners) has all
   * of them, no transfer, read, snapshot or configuration change is under way.
   */
  boolean idle() {
    if (node.role() != Role.LEADER || transferee != RaftNode.NONE || broadcastPending || !reads.isEmpty()
        || log.committed() != log.lastIndex() || log.hasUnstable() || membership.current().joint()) {
      return false;
    }
    for (var e : progress.entrySet()) {
      Progress pr = e.getValue();
      if (e.getKey() != id && (pr.match() != log.lastIndex() || pr.state() != Progress.State.REPLICATE)) {
        return false;
      }
    }
    return true;
  }

  /** Tells every follower to stop its election timer (the node then stops heartbeating). */
  void sendQuiesce() {
    for (int peer : progress.keySet()) {
      if (peer != id) {
        node.send(Message.of(MessageType.QUIESCE, id, peer, node.term()).log(log.lastIndex(), log.lastTerm())
            .commit(log.committed()).build());
      }
    }
  }

  void broadcastHeartbeat() {
    long context = reads.currentRound();
    for (var e : progress.entrySet()) {
      if (e.getKey() != id) {
        node.send(Message.of(MessageType.HEARTBEAT, id, e.getKey(), node.term())
            .commit(Math.min(e.getValue().match(), log.committed())).context(context).build());
      }
    }
  }

  // ---------------------------------------------------------------- ReadIndex

  boolean readIndex(long context, int requester) {
    if (log.term(log.committed()) != node.term()) {
      return false; // not yet sure our commit index is current (§6.4 step 1)
    }
    reads.add(context, log.committed(), requester);
    if (membership.current().hasQuorum(peer -> peer == id)) {
      releaseReads();
    } else {
      broadcastHeartbeat();
    }
    return true;
  }

  private void releaseReads() {
    for (ReadIndexQueue.Pending p : reads.release(membership.current(), id, progress)) {
      if (p.requester() == id) {
        node.readState(new ReadState(p.context(), p.index()));
      } else {
        node.send(Message.of(MessageType.READ_INDEX_RESPONSE, id, p.requester(), node.term())
            .log(p.index(), 0).context(p.context()).build());
      }
    }
  }
}
