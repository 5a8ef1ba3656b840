package io.chronik.raft.node;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.ConfigChange;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import io.chronik.raft.replication.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One member of one Raft group: a deterministic, single-threaded state machine in the style of
 * etcd-io/raft. Inputs are {@link #step}, {@link #tick}, {@link #propose}, {@link #readIndex},
 * {@link #proposeConfiguration} and {@link #transferLeadership}; outputs are collected in a
 * {@link Ready} which the driver handles and acknowledges with {@link #advance}. No threads, clocks
 * or I/O: the same inputs and seed always give the same outputs, which the simulator relies on.
 *
 * <p>Cheap per group: a group costs its log tail, one {@link Progress} per peer on the leader, and
 * nothing while idle. Thousands of groups share the driver's threads; heartbeats of all groups to one
 * peer can be shipped together (see {@link io.chronik.raft.message.PeerBatch}).
 *
 * <p>Batching: proposals only append to the unstable log; appends to followers are produced once per
 * {@link #ready()} call, so N proposals between two Readys become one storage append and one
 * message per follower (bounded by {@link RaftOptions#appendBytesMax()}).
 */
public final class RaftNode {

  public static final int NONE = HardState.NO_VOTE;
  /** {@link #peerAlive} holds a follower's timer for at most this many election timeouts of group silence. */
  static final int PEER_ALIVE_HOLD_ELECTIONS = 5;

  private final int id;
  private final RaftOptions options;
  private final RandomGenerator random;
  private final RaftLog log;
  private final Membership membership;
  private final Elections elections;
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final Following following;
  private final Replicator replicator;

  // role, term, vote, lead and the election timer are written only by RaftNode's own methods (become*,
  // grantVote, heardFromLeader), never by the classes it delegates to: one writer per piece of state
  private long term;
  private int vote = NONE;
  private int leader = NONE;
  private Role role = Role.FOLLOWER;
  private final TreeMap<Integer, Progress> progress = new TreeMap<>();
  private int electionElapsed;
  /** Ticks since the leader's last message (follower): bounds how long {@link #peerAlive} may hold the timer. */
  private int ticksSinceLeaderMessage;
  private int heartbeatElapsed;
  private int randomizedElectionTicks;
  private int transferee = NONE;
  private boolean broadcastPending;
  private boolean readyOutstanding;
  private HardState lastHardState;
  private final List<Message> outbox = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private long electionsStarted;
  private long preVotesStarted;
  /** See {@link RaftOptions#quiesce}: no election timer, no heartbeats, until traffic or {@link #wake}. */
  private boolean quiesced;
  private long quiescences;

  /**
   * Starts (or restarts) a member from its durable storage. {@code initial} is the group's first
   * membership, used only if storage holds no snapshot (a snapshot carries its own).
   */
  public RaftNode(int id, LogStorage storage, Configuration initial, RaftOptions options, RandomGenerator random) {
    this.id = id;
    this.options = options;
    this.random = random;
    this.log = new RaftLog(storage);
    HardState hs = storage.hardState();
    this.term = hs.term();
    this.vote = hs.vote();
    this.lastHardState = hs;
    SnapshotMeta snap = storage.snapshotMeta();
    this.membership = new Membership(snap.index() > 0 ? snap.config() : initial, snap.index());
    membership.replayCommitted(log, snap.index(), log.committed());
    this.elections = new Elections(this, log, membership);
    this.following = new Following(this, log, membership, elections);
    this.replicator = new Replicator(this, log, options);
    resetRandomizedTimeout();
  }

  // ---------------------------------------------------------------- accessors

  public int id() {
    return id;
  }

  public long term() {
    return term;
  }

  public Role role() {
    return role;
  }

  public int leader() {
    return leader;
  }

  public long commitIndex() {
    return log.committed();
  }

  public long appliedIndex() {
    return log.applied();
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  /** Term of the entry at index in this node's (stable or unstable) log, -1 if not held. */
  public long termAt(long index) {
    return log.term(index);
  }

  public Configuration configuration() {
    return membership.current();
  }

  /**
   * This node leads and is handing leadership off (§3.10): it refuses proposals until the transfer
   * completes (it steps down) or is abandoned (after an election timeout), so a caller may hold them.
   */
  public boolean transferring() {
    return role == Role.LEADER && transferee != NONE;
  }

  /** Leader only: replication progress of a peer (null otherwise). */
  public Progress progress(int peer) {
    return role == Role.LEADER ? progress.get(peer) : null;
  }

  /** Real (term-incrementing) elections started by this node since construction (storm detection). */
  public long electionsStarted() {
    return electionsStarted;
  }

  /** Pre-vote rounds started since construction; these never change any term. */
  /** The group is quiescent here (see {@link RaftOptions#quiesce}). */
  public boolean quiesced() {
    return quiesced;
  }

  /** InstallSnapshot transfers this node started as leader (each resend counts). */
  public long snapshotsSent() {
    return replicator.snapshotsSent();
  }

  /** Snapshot image bytes this node sent as leader (chunk data, without the per-chunk checksums). */
  public long snapshotBytesSent() {
    return replicator.snapshotBytesSent();
  }

  /** Times this node quiesced the group as its leader or was quiesced by one. */
  public long quiescences() {
    return quiescences;
  }

  /**
   * Wakes a quiescent group: a follower restarts its election timer (it will campaign if no leader
   * speaks up within an election timeout), a leader heartbeats at once. The driver calls it for the
   * groups shared with a peer node it stopped hearing from, or heard again after a silence.
   */
  public void wake() {
    if (!quiesced) {
      return;
    }
    quiesced = false;
    electionElapsed = 0;
    if (role == Role.LEADER) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
    }
  }

  public long preVotesStarted() {
    return preVotesStarted;
  }

  RaftOptions options() {
    return options;
  }

  /** Metadata for a snapshot the state machine takes at {@code appliedIndex}. */
  public SnapshotMeta snapshotMetaAt(long appliedIndex) {
    if (appliedIndex > log.applied()) {
      throw new IllegalArgumentException("index=" + appliedIndex + " applied=" + log.applied() + " reason=snapshot-beyond-applied");
    }
    return new SnapshotMeta(appliedIndex, log.term(appliedIndex), membership.at(appliedIndex));
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Starts an election now instead of after an election timeout (e.g. a brand-new group's preferred
   * replica, so a fresh partition gets a leader in one round trip). Ignored by leaders and non-voters.
   */
  public void campaign() {
    wake();
    if (role != Role.LEADER && membership.current().isVoter(id)) {
      electionElapsed = 0;
      elections.campaign(options.preVote(), false);
    }
  }

  /**
   * The driver knows the leader's process is gone (its connection closed): forget the leader, so this
   * voter's lease no longer refuses other candidates, and stand soon instead of after a whole election
   * timeout. The surviving voters take turns instead of racing: ordered by id and rotated by
   * {@code rotation} (the driver passes the group id, so the dead node's groups spread over the
   * survivors), the first stands on the next tick and each later one a third of an election timeout
   * after the one before, by which time pre-vote refuses it if the first is already campaigning. A race
   * would split the vote and cost a whole randomized timeout per retry, for hundreds of groups at once.
   * Ignored unless {@code nodeId} is the leader this follower knows. Raft's safety does not depend on
   * it: a wrong belief costs at most an election.
   */
  public void leaderUnreachable(int nodeId, int rotation) {
    if (role == Role.LEADER || leader != nodeId || leader == NONE) {
      return;
    }
    wake();
    leader = NONE;
    List<Integer> survivors = new ArrayList<>(membership.current().voters());
    survivors.remove(Integer.valueOf(nodeId));
    int at = survivors.indexOf(id);
    if (at < 0) {
      return; // not a voter: it never stands
    }
    int turn = Math.floorMod(at - Math.floorMod(rotation, survivors.size()), survivors.size());
    int gap = Math.max(1, options.electionTicks() / 3);
    electionElapsed = Math.max(electionElapsed, randomizedElectionTicks - 1 - turn * gap);
  }

  /**
   * The driver heard lately from the process of node {@code nodeId}, and that process's Raft loop is
   * running: node-level liveness that a slow fsync on that node does not hold up (its pings come from a
   * timer thread, its heartbeats from the loop). A follower whose leader that is holds its election timer
   * as a heartbeat would, and keeps its leader lease; a leader counts that follower as recently active for
   * check-quorum. So a loop stretched by a slow disk is not taken for a dead leader or a lost quorum, the
   * election storm of thousands of groups under load. When pings stop (a partition, a dead process) the
   * ordinary timers run again. Raft's safety does not depend on it; only when an election starts does.
   */
  public void peerAlive(int nodeId) {
    if (quiesced || nodeId == id) {
      return;
    }
    if (role == Role.FOLLOWER && leader == nodeId
        && ticksSinceLeaderMessage < PEER_ALIVE_HOLD_ELECTIONS * options.electionTicks()) {
      // bounded: a leader's process that restarted unseen is alive but leads nothing; its group's
      // silence must still end this lease, or nobody would ever win its pre-vote
      electionElapsed = Math.min(electionElapsed, 0); // a head start from delayElection stays
    } else if (role == Role.LEADER) {
      Progress pr = progress.get(nodeId);
      if (pr != null) {
        pr.recentActive(true);
      }
    }
  }

  /**
   * Holds back this node's next election by {@code ticks} beyond its randomized timeout (ignored by a
   * leader). A driver opening many groups at once gives the preferred replica a head start this way,
   * so each group elects once, and the replica the placement chose, instead of whoever times out first.
   */
  public void delayElection(int ticks) {
    if (role != Role.LEADER && ticks > 0) {
      electionElapsed = -ticks;
    }
  }

  /**
   * Payload bytes of committed entries handed out per Ready (at least one entry): a restarted node
   * re-applies its log in bounded steps instead of reading all of it into memory at once.
   */
  private long committedBytesPerReady() {
    return Math.max(options.appendBytesMax() * 8, 8L << 20);
  }

  /** Advances logical time by one tick: election timeouts for followers, heartbeats for leaders. */
  public void tick() {
    if (quiesced) {
      return; // no timer runs: a leader quiesces only when every follower has every entry
    }
    electionElapsed++;
    if (role != Role.LEADER) {
      ticksSinceLeaderMessage = Math.max(ticksSinceLeaderMessage, ticksSinceLeaderMessage + 1); // saturates
      if (membership.current().isVoter(id) && electionElapsed >= randomizedElectionTicks) {
        electionElapsed = 0;
        elections.campaign(options.preVote(), false);
      }
      return;
    }
    if (electionElapsed >= options.electionTicks()) {
      electionElapsed = 0;
      if (options.checkQuorum() && !elections.leaderHasRecentQuorum()) {
        becomeFollower(term, NONE);
        return;
      }
      transferee = NONE; // a transfer that did not finish within an election timeout is abandoned
    }
    if (transferee == NONE && !membership.current().isVoter(id)) {
      handOffAfterRemoval(); // retry: an earlier hand-off timed out
    }
    replicator.continueSnapshots();
    for (Progress pr : progress.values()) {
      if (pr.snapshotTimedOut(options.electionTicks() * 2)) {
        pr.becomeProbe();
      }
    }
    if (++heartbeatElapsed >= options.heartbeatTicks()) {
      heartbeatElapsed = 0;
      if (options.quiesce() && idle()) {
        quiesce();
      } else {
        broadcastHeartbeat();
      }
    }
  }

  /**
   * Proposes application payloads as consecutive entries: accepted at the first one's index, or refused
   * NOT_LEADER (the caller redirects) or OVERLOADED (leadership transfer in progress or too many
   * uncommitted entries: retry later).
   */
  public ProposeResult propose(List<byte[]> payloads) {
    wake();
    if (role != Role.LEADER) {
      return ProposeResult.REFUSED_NOT_LEADER;
    }
    if (transferee != NONE || log.lastIndex() - log.committed() + payloads.size() > options.uncommittedEntriesMax()) {
      return ProposeResult.REFUSED_OVERLOADED;
    }
    long first = log.lastIndex() + 1;
    List<Entry> entries = new ArrayList<>(payloads.size());
    for (byte[] p : payloads) {
      entries.add(Entry.normal(first + entries.size(), term, p));
    }
    appendAsLeader(entries);
    return ProposeResult.accepted(first);
  }

  public ProposeResult propose(byte[] payload) {
    return propose(List.of(payload));
  }

  /**
   * Proposes moving to the given voters and learners (joint consensus for any voter change).
   * Returns false if not leader or another change is still in progress.
   */
  public boolean proposeConfiguration(SortedSet<Integer> voters, SortedSet<Integer> learners) {
    wake();
    if (role != Role.LEADER || transferee != NONE || membership.changePending(log.committed()) || voters.isEmpty()) {
      return false;
    }
    ConfigChange change = ConfigChange.toward(membership.current(), voters, learners);
    long index = log.lastIndex() + 1;
    appendAsLeader(List.of(new Entry(index, term, EntryType.CONFIG, change.encode())));
    membership.pendingAt(index);
    return true;
  }

  /**
   * Requests a linearizable read point (ReadIndex, dissertation §6.4). The answer arrives as a
   * {@link ReadState} with the same context in a later Ready. Returns false if it cannot be served
   * now (no known leader, or the leader has not committed an entry of its term yet); retry later.
   */
  public boolean readIndex(long context) {
    wake();
    if (role == Role.LEADER) {
      return leaderReadIndex(context, id);
    }
    if (leader == NONE) {
      return false;
    }
    send(Message.of(MessageType.READ_INDEX, id, leader, term).context(context).build());
    return true;
  }

  /** Leader only: hand leadership to {@code target} (TimeoutNow once it is caught up, §3.10). */
  public void transferLeadership(int target) {
    wake();
    if (role != Role.LEADER || target == id || !membership.current().isVoter(target) || transferee == target) {
      return;
    }
    transferee = target;
    electionElapsed = 0;
    Progress pr = progress.get(target);
    if (pr != null && pr.match() == log.lastIndex()) {
      send(Message.of(MessageType.TIMEOUT_NOW, id, target, term).build());
    } else {
      replicator.sendAppend(target, true);
    }
  }

  /**
   * Asks for leadership to move to {@code target}: the leader starts the transfer itself, a follower
   * that knows the leader forwards the request to it (the leader's {@link #transferLeadership} rules
   * decide: a voter, caught up first, proposals refused meanwhile). False when no leader is known.
   */
  public boolean requestLeadershipTransfer(int target) {
    if (role == Role.LEADER) {
      transferLeadership(target);
      return true;
    }
    if (leader == NONE || leader == id) {
      return false;
    }
    send(Message.of(MessageType.TRANSFER_LEADER, id, leader, term).log(target, 0).build());
    return true;
  }

  /** Handles a message from a peer of this group. */
  public void step(Message m) {
    if (quiesced && wakes(m)) {
      wake();
    }
    if (!elections.admitTerm(m)) {
      return;
    }
    switch (m.type()) {
      case PRE_VOTE:
      case VOTE:
        elections.handleVoteRequest(m);
        return;
      case PRE_VOTE_RESPONSE:
      case VOTE_RESPONSE:
        elections.handleVoteResponse(m);
        return;
      case READ_INDEX:
        if (role == Role.LEADER) {
          leaderReadIndex(m.context(), m.from());
        }
        return;
      case READ_INDEX_RESPONSE:
        readStates.add(new ReadState(m.context(), m.index()));
        return;
      case TRANSFER_LEADER:
        // a stale request (older term) was dropped by admitTerm; a non-leader drops it (no second hop)
        if (role == Role.LEADER && m.index() >= 0 && m.index() <= Integer.MAX_VALUE) {
          transferLeadership((int) m.index());
        }
        return;
      default:
        break;
    }
    if (role == Role.LEADER) {
      stepLeader(m);
    } else {
      following.step(m);
    }
  }

  // ---------------------------------------------------------------- Ready / advance

  public boolean hasReady() {
    // field by field: no HardState is built for the thousands of idle groups a driver asks each loop
    return broadcastPending || !outbox.isEmpty() || !readStates.isEmpty() || term != lastHardState.term()
        || vote != lastHardState.vote() || log.committed() != lastHardState.commit()
        || log.hasUnstable() || log.hasNextCommitted(log.applied());
  }

  /** Collects pending work. Must be followed by {@link #advance} before the next call. */
  public Ready ready() {
    if (readyOutstanding) {
      throw new IllegalStateException("node=" + id + " reason=ready-without-advance");
    }
    readyOutstanding = true;
    if (broadcastPending && role == Role.LEADER) {
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
    HardState hs = hardState();
    Ready rd = new Ready(
        hs.equals(lastHardState) ? null : hs,
        log.unstableEntries(),
        log.pendingSnapshot(),
        log.pendingSnapshotData(),
        log.nextCommitted(log.applied(), committedBytesPerReady()),
        List.copyOf(outbox),
        List.copyOf(readStates),
        role,
        leader);
    outbox.clear();
    readStates.clear();
    return rd;
  }

  /** The driver has durably persisted, sent and applied everything in {@code rd}. */
  public void advance(Ready rd) {
    readyOutstanding = false;
    if (rd.hardState() != null) {
      lastHardState = rd.hardState();
    }
    if (rd.snapshot() != null) {
      log.stableSnapshotTo(rd.snapshot().index());
      log.appliedTo(rd.snapshot().index());
    }
    if (!rd.entries().isEmpty()) {
      Entry last = rd.entries().get(rd.entries().size() - 1);
      log.stableTo(last.index(), last.term());
    }
    if (!rd.committedEntries().isEmpty()) {
      log.appliedTo(rd.committedEntries().get(rd.committedEntries().size() - 1).index());
    }
    if (role == Role.LEADER) {
      // the leader counts itself only for what is durable on its own disk
      Progress self = progress.get(id);
      if (self != null && self.acked(log.stableLastIndex())) {
        maybeCommit();
      }
    }
  }

  // ---------------------------------------------------------------- roles

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  void resetRandomizedTimeout() {
    randomizedElectionTicks = options.electionTicks() + random.nextInt(options.electionTicks());
  }

  private void reset(long newTerm) {
    if (newTerm != term) {
      term = newTerm;
      vote = NONE;
      // an acknowledgement still queued may cover entries the new term's leader is about to overwrite
      // in this same Ready, so it would leave promising entries that never reach the disk
      outbox.removeIf(m -> m.type() == MessageType.APPEND_RESPONSE && !m.reject() && m.index() > 0);
    }
    leader = NONE;
    electionElapsed = 0;
    ticksSinceLeaderMessage = 0;
    heartbeatElapsed = 0;
    resetRandomizedTimeout();
    transferee = NONE;
    quiesced = false;
    progress.clear();
    replicator.dropTransfers();
    reads.clear();
    elections.clearVotes();
  }

  /** §5.2: this node votes for {@code candidate} in the current term and restarts its election timer. */
  void grantVote(int candidate) {
    assert vote == NONE || vote == candidate : "vote=" + vote + " candidate=" + candidate + " term=" + term;
    electionElapsed = 0;
    vote = candidate;
  }

  /** A message of the current term's leader arrived: follow it and restart the election timer. */
  void heardFromLeader(int from) {
    assert from != id : "id=" + id + " reason=own-leader-message";
    if (role != Role.FOLLOWER) {
      becomeFollower(term, from);
    }
    leader = from;
    electionElapsed = 0;
    ticksSinceLeaderMessage = 0;
  }

  int electionElapsed() {
    return electionElapsed;
  }

  int vote() {
    return vote;
  }

  int transferee() {
    return transferee;
  }

  /** Replication progress of {@code peer}, whatever the role (callers are the leader's helpers). */
  Progress progressOf(int peer) {
    return progress.get(peer);
  }

  Iterable<java.util.Map.Entry<Integer, Progress>> progressEntries() {
    return progress.entrySet();
  }

  void becomeFollower(long newTerm, int newLeader) {
    if (newTerm < term) {
      throw new IllegalStateException("id=" + id + " term=" + term + " newTerm=" + newTerm
          + " reason=term-goes-backwards");
    }
    reset(newTerm);
    role = Role.FOLLOWER;
    leader = newLeader;
  }

  void becomePreCandidate() {
    requireTransition(role != Role.LEADER, Role.PRE_CANDIDATE);
    // no term change and no vote: a pre-candidate disturbs nobody (dissertation §9.6)
    elections.clearVotes();
    role = Role.PRE_CANDIDATE;
    leader = NONE;
    preVotesStarted++;
  }

  void becomeCandidate() {
    requireTransition(role != Role.LEADER, Role.CANDIDATE);
    reset(term + 1);
    vote = id;
    role = Role.CANDIDATE;
    electionsStarted++;
  }

  /** etcd's rule: an impossible role change is a bug in this class, so it stops the node, in production too. */
  private void requireTransition(boolean legal, Role to) {
    if (!legal) {
      throw new IllegalStateException("id=" + id + " term=" + term + " from=" + role + " to=" + to
          + " reason=invalid-role-transition");
    }
  }

  void becomeLeader() {
    requireTransition(role == Role.CANDIDATE, Role.LEADER);
    reset(term);
    role = Role.LEADER;
    leader = id;
    for (int member : membership.current().members()) {
      progress.put(member, new Progress(log.lastIndex() + 1, options.inflightMax()));
    }
    Progress self = progress.computeIfAbsent(id, k -> new Progress(log.lastIndex() + 1, options.inflightMax()));
    self.acked(log.stableLastIndex());
    self.becomeReplicate();
    List<Entry> first = new ArrayList<>();
    // a no-op of the new term lets earlier entries commit (§5.4.2) and serves ReadIndex (§6.4)
    first.add(Entry.normal(log.lastIndex() + 1, term, new byte[0]));
    if (membership.current().joint() && !membership.uncommittedChangeIn(log, log.committed())) {
      first.add(new Entry(log.lastIndex() + 2, term, EntryType.CONFIG, ConfigChange.leaveJoint().encode()));
    }
    membership.pendingAt(log.lastIndex() + first.size());
    appendAsLeader(first);
  }

  // ---------------------------------------------------------------- leader

  private void appendAsLeader(List<Entry> entries) {
    log.append(entries);
    broadcastPending = true;
  }

  private void stepLeader(Message m) {
    Progress pr = progress.get(m.from());
    if (pr == null) {
      return;
    }
    pr.recentActive(true);
    switch (m.type()) {
      case APPEND_RESPONSE:
        replicator.handleAppendResponse(m, pr);
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


  /** Commit the majority-replicated index, but only by counting replicas of a current-term entry (§5.4.2). */
  boolean maybeCommit() {
    long index = membership.current().committedIndex(
        peer -> progress.containsKey(peer) ? progress.get(peer).match() : 0);
    if (index <= log.committed() || index == Long.MAX_VALUE || log.term(index) != term) {
      return false;
    }
    if (membership.mayHoldUncommittedChange(log.committed())) {
      index = membership.firstChangeIn(log, log.committed(), index); // onCommitted counts again under it
    }
    long before = log.committed();
    log.commitTo(index);
    onCommitted(before);
    broadcastPending = true; // followers learn the new commit index promptly
    return true;
  }

  /** Applies membership changes that became committed in (before, committed]. */
  void onCommitted(long before) {
    Configuration old = membership.current();
    boolean enteredJoint = membership.applyCommitted(log, before, log.committed());
    if (old.equals(membership.current()) || role != Role.LEADER) {
      return;
    }
    for (int member : membership.current().members()) {
      progress.computeIfAbsent(member, k -> new Progress(log.lastIndex() + 1, options.inflightMax()));
    }
    progress.keySet().removeIf(peer -> peer != id && !membership.current().members().contains(peer));
    if (enteredJoint) {
      long index = log.lastIndex() + 1;
      appendAsLeader(List.of(new Entry(index, term, EntryType.CONFIG, ConfigChange.leaveJoint().encode())));
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
   * refuse to vote for them.
   */
  private void handOffAfterRemoval() {
    int best = NONE;
    long bestMatch = -1;
    for (int voter : membership.current().voters()) {
      Progress pr = progress.get(voter);
      if (pr != null && pr.match() > bestMatch) {
        best = voter;
        bestMatch = pr.match();
      }
    }
    if (best != NONE) {
      transferLeadership(best);
    }
  }



  // ---------------------------------------------------------------- quiescence

  /** Any traffic wakes a quiescent group except the quiesce itself and plain acknowledgements. */
  private static boolean wakes(Message m) {
    return switch (m.type()) {
      case QUIESCE -> false;
      case HEARTBEAT_RESPONSE, APPEND_RESPONSE -> m.reject();
      default -> true;
    };
  }

  /**
   * Leader: nothing to do for anyone. Every entry is committed and every member (voters and
   * learners) has all of them, no transfer, read, snapshot or configuration change is under way.
   */
  private boolean idle() {
    if (role != Role.LEADER || transferee != NONE || broadcastPending || !reads.isEmpty()
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

  /** Leader: tells every follower to stop its election timer, and stops heartbeating. */
  private void quiesce() {
    for (int peer : progress.keySet()) {
      if (peer != id) {
        send(Message.of(MessageType.QUIESCE, id, peer, term).log(log.lastIndex(), log.lastTerm())
            .commit(log.committed()).build());
      }
    }
    quiesced = true;
    quiescences++;
  }

  /** Follower: the leader is idle and our log ends where its log ends. */
  void quiescedByLeader() {
    quiesced = true;
    quiescences++;
  }

  private void broadcastHeartbeat() {
    long context = reads.currentRound();
    for (var e : progress.entrySet()) {
      if (e.getKey() != id) {
        send(Message.of(MessageType.HEARTBEAT, id, e.getKey(), term)
            .commit(Math.min(e.getValue().match(), log.committed())).context(context).build());
      }
    }
  }

  private boolean leaderReadIndex(long context, int requester) {
    if (log.term(log.committed()) != term) {
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
        readStates.add(new ReadState(p.context(), p.index()));
      } else {
        send(Message.of(MessageType.READ_INDEX_RESPONSE, id, p.requester(), term)
            .log(p.index(), 0).context(p.context()).build());
      }
    }
  }

  void send(Message m) {
    outbox.add(m);
  }
}
