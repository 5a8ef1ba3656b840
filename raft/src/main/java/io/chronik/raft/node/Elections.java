package io.chronik.raft.node;

import io.chronik.raft.log.RaftLog;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Leader election (Raft §5.2) with pre-vote and check-quorum (dissertation §9.6), plus the term
 * rules every message passes through first.
 */
final class Elections {

  private final RaftNode node;
  private final RaftLog log;
  private final Membership membership;
  private final RaftOptions options;
  private final TreeMap<Integer, Boolean> votes = new TreeMap<>();
  /**
   * The last pre-vote dropped inside the leader lease. Dropped requests are never answered, so a candidate that
   * stood the moment the leader's process died, a little before this node saw it die, would wait a whole
   * randomized election timeout to ask again; {@link #replayHeldPreVote} answers it once the lease is gone.
   */
  private Message heldPreVote;

  Elections(RaftNode node, RaftLog log, Membership membership, RaftOptions options) {
    this.node = node;
    this.log = log;
    this.membership = membership;
    this.options = options;
  }

  /** Handles a vote request or response; false for any other message. */
  boolean step(Message m) {
    switch (m.type()) {
      case PRE_VOTE, VOTE -> handleVoteRequest(m);
      case PRE_VOTE_RESPONSE, VOTE_RESPONSE -> handleVoteResponse(m);
      default -> {
        return false;
      }
    }
    return true;
  }

  void clearVotes() {
    votes.clear();
  }

  /**
   * Applies the term rules of Raft §5.1 before a message is handled. Returns false if the message
   * must be dropped. With check-quorum, a voter that heard from a leader within the election timeout
   * ignores vote requests (the leader lease): a node rejoining from a partition cannot disrupt a
   * healthy leader, and with pre-vote it does not even raise its own term.
   */
  boolean admitTerm(Message m) {
    MessageType t = m.type();
    if (m.term() > node.term()) {
      if (t == MessageType.VOTE || t == MessageType.PRE_VOTE) {
        boolean inLease = options.checkQuorum() && node.leader() != RaftNode.NONE
            && node.electionElapsed() < options.electionTicks();
        if (inLease && !m.transfer()) {
          heldPreVote = t == MessageType.PRE_VOTE ? m : heldPreVote;
          return false;
        }
      }
      if (t == MessageType.PRE_VOTE || (t == MessageType.PRE_VOTE_RESPONSE && !m.reject())) {
        return true; // pre-vote traffic never changes terms
      }
      boolean fromLeader = t == MessageType.APPEND || t == MessageType.HEARTBEAT || t == MessageType.SNAPSHOT
          || t == MessageType.QUIESCE;
      node.becomeFollower(m.term(), fromLeader ? m.from() : RaftNode.NONE);
      return true;
    }
    if (m.term() < node.term()) {
      // A node below its repair floor never stands (campaign), so it must tell a stale leader about its newer term
      // itself: otherwise that leader never learns it and never serves this node again (driver simulation seed 938).
      boolean guarded = options.checkQuorum() || options.preVote() || log.belowRepairFloor();
      if (guarded && (t == MessageType.APPEND || t == MessageType.HEARTBEAT || t == MessageType.QUIESCE)) {
        // tell a stale leader about the newer term so it steps down
        node.send(Message.of(MessageType.APPEND_RESPONSE, node.id(), m.from(), node.term()).build());
      } else if (t == MessageType.PRE_VOTE) {
        node.send(Message.of(MessageType.PRE_VOTE_RESPONSE, node.id(), m.from(), node.term()).rejected(true).build());
      }
      return false;
    }
    return true;
  }

  void campaign(boolean pre, boolean transfer) {
    if (log.belowRepairFloor()) {
      return; // a repaired log may lack entries this node acknowledged: only a leader that has them may win
    }
    long voteTerm;
    MessageType type;
    if (pre) {
      node.becomePreCandidate();
      voteTerm = node.term() + 1;
      type = MessageType.PRE_VOTE;
    } else {
      node.becomeCandidate();
      voteTerm = node.term();
      type = MessageType.VOTE;
    }
    if (pre) {
      votes.put(node.id(), true); // a pre-vote promises nothing, so it counts at once
      if (won()) {
        advance(true, transfer);
        return;
      }
    }
    // A real self-vote counts only once it is durable (selfVoteDurable): a node that alone is a quorum
    // would otherwise lead in memory, crash before its vote reached the disk, restart in the old term
    // and vote for another candidate of the same term (simulation seeds 14229, 17467).
    TreeSet<Integer> voters = new TreeSet<>(membership.current().voters());
    voters.addAll(membership.current().outgoing());
    for (int peer : voters) {
      if (peer != node.id()) {
        node.send(Message.of(type, node.id(), peer, voteTerm).log(log.lastIndex(), log.lastTerm())
            .transfer(transfer).build());
      }
    }
  }

  /**
   * The driver made this candidate's vote for itself durable: it counts now, and a node that is a
   * quorum on its own (or whose peers' votes arrived first) wins.
   */
  void selfVoteDurable() {
    if (node.role() == Role.CANDIDATE && votes.putIfAbsent(node.id(), true) == null && won()) {
      node.becomeLeader();
    }
  }

  private void advance(boolean pre, boolean transfer) {
    if (pre) {
      campaign(false, transfer);
    } else {
      node.becomeLeader();
    }
  }

  private boolean won() {
    return membership.current().hasQuorum(p -> Boolean.TRUE.equals(votes.get(p)));
  }

  /** §5.2 and §5.4.1: one vote per term, only for a candidate whose log is at least as up to date. */
  private void handleVoteRequest(Message m) {
    boolean pre = m.type() == MessageType.PRE_VOTE;
    boolean canVote = node.vote() == m.from()
        || (node.vote() == RaftNode.NONE && node.leader() == RaftNode.NONE)
        || (pre && m.term() > node.term());
    MessageType resp = pre ? MessageType.PRE_VOTE_RESPONSE : MessageType.VOTE_RESPONSE;
    // a log cut below what this node once promised would grant votes its whole log refused
    long commit = log.committed();
    long commitTerm = log.term(commit);
    if (canVote && log.coversRepairFloor(m.index(), m.logTerm()) && log.isUpToDate(m.index(), m.logTerm())) {
      node.send(Message.of(resp, node.id(), m.from(), m.term()).commit(commit).log(commit, commitTerm).build());
      if (!pre) {
        node.grantVote(m.from());
      }
    } else {
      node.send(Message.of(resp, node.id(), m.from(), node.term()).commit(commit).log(commit, commitTerm)
          .rejected(true).build());
    }
  }

  /**
   * Every vote response tells the candidate how far the voter knows the log committed, and the term of its
   * entry there. If the candidate holds that entry (same index and term: by log matching, the same prefix)
   * it is committed, whoever says so: commits only ever come from a leader. This is how a new voter learns
   * that the change making it a voter committed when the leader that committed it stepped down first:
   * without it, it keeps counting votes under the joint configuration, and the old voters, whose logs
   * hold more, refuse it while they may no longer stand themselves (simulation seeds 13457, 42271).
   */
  private void learnCommit(Message m) {
    long commit = m.commit();
    if (commit > log.committed() && commit <= log.lastIndex() && m.logTerm() > 0 && log.term(commit) == m.logTerm()) {
      long before = log.committed();
      log.commitTo(commit);
      node.onCommitted(before);
    }
  }

  private void handleVoteResponse(Message m) {
    learnCommit(m);
    boolean pre = m.type() == MessageType.PRE_VOTE_RESPONSE;
    if ((pre && node.role() != Role.PRE_CANDIDATE) || (!pre && node.role() != Role.CANDIDATE)) {
      return;
    }
    votes.putIfAbsent(m.from(), !m.reject());
    if (won()) {
      advance(pre, false);
    } else if (membership.current().quorumImpossible(p -> Boolean.FALSE.equals(votes.get(p)))) {
      node.becomeFollower(node.term(), RaftNode.NONE);
    }
  }

  /**
   * The leader's process is known gone: the pre-vote held during its lease (if any) is handled again, now without
   * a lease. Only ever a re-delivery of a message this node received, which Raft tolerates at any time.
   */
  void replayHeldPreVote(java.util.function.Consumer<Message> step) {
    Message held = heldPreVote;
    heldPreVote = null;
    if (held != null) {
      step.accept(held);
    }
  }
}
