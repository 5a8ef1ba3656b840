package io.chronik.raft.node;

import io.chronik.raft.log.HardState;
import io.chronik.raft.log.LogStorage;
import io.chronik.raft.log.RaftLog;
import io.chronik.raft.log.SnapshotMeta;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.replication.Progress;
import java.util.List;
import java.util.SortedSet;
import java.util.random.RandomGenerator;

/**
 * One member of one Raft group: a deterministic, single-threaded state machine in the style of
 * etcd-io/raft. Inputs are {@link #step}, {@link #tick}, {@link #propose}, {@link #readIndex},
 * {@link #proposeConfiguration} and {@link #transferLeadership}; outputs are collected in a
 * {@link Ready} which the driver handles and acknowledges with {@link #advance}. No threads, clocks
 * or I/O: the same inputs and seed always give the same outputs, which the simulator relies on.
 *
 * <p>Cheap per group: its log tail, one {@link Progress} per peer on the leader, nothing while idle. Batching:
 * proposals only append to the unstable log; {@link #ready()} turns them into one storage append and one message
 * per follower ({@link RaftOptions#appendBytesMax()}); heartbeats of all groups to a peer ship together.
 */
public final class RaftNode {

  public static final int NONE = HardState.NO_VOTE;

  private final int id;
  private final RaftOptions options;
  private final Timers timers;
  private final RaftLog log;
  private final Membership membership;
  private final Elections elections;
  private final Following following;
  private final Leadership leadership;
  private final ReadyAssembly assembly;

  // one writer per piece of state: role, term, vote and lead only by RaftNode's own methods (become*,
  // grantVote, heardFromLeader), the election timer only through its Timers; never by its delegates
  private long term;
  private int vote = NONE;
  private int leader = NONE;
  private Role role = Role.FOLLOWER;
  private long electionsStarted;
  private long preVotesStarted;

  /**
   * Starts (or restarts) a member from its durable storage. {@code initial} is the group's first
   * membership, used only if storage holds no snapshot (a snapshot carries its own).
   */
  public RaftNode(int id, LogStorage storage, Configuration initial, RaftOptions options, RandomGenerator random) {
    this.id = id;
    this.options = options;
    this.timers = new Timers(options, random);
    this.log = new RaftLog(storage, options.heldBytesMax());
    HardState hs = storage.hardState();
    this.term = hs.term();
    this.vote = hs.vote();
    this.assembly = new ReadyAssembly(id, log, options, hs);
    SnapshotMeta snap = storage.snapshotMeta();
    this.membership = new Membership(snap.index() > 0 ? snap.config() : initial, snap.index());
    membership.replayCommitted(log, snap.index(), log.committed());
    this.elections = new Elections(this, log, membership, options);
    this.following = new Following(this, log, membership, elections);
    this.leadership = new Leadership(this, log, membership, options);
    timers.randomize();
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
    return role == Role.LEADER && leadership.transferee() != NONE;
  }

  /** Leader only: replication progress of a peer (null otherwise). */
  public Progress progress(int peer) {
    return role == Role.LEADER ? leadership.progress(peer) : null;
  }

  /** Real (term-incrementing) elections started by this node since construction (storm detection). */
  public long electionsStarted() {
    return electionsStarted;
  }

  /** The group is quiescent here (see {@link RaftOptions#quiesce}). */
  public boolean quiesced() {
    return timers.quiesced();
  }

  /** InstallSnapshot transfers this node started as leader (each resend counts). */
  public long snapshotsSent() {
    return leadership.replicator().snapshotsSent();
  }

  /** Snapshot image bytes this node sent as leader (chunk data, without the per-chunk checksums). */
  public long snapshotBytesSent() {
    return leadership.replicator().snapshotBytesSent();
  }

  /** Times this node quiesced the group as its leader or was quiesced by one. */
  public long quiescences() {
    return timers.quiescences();
  }

  /**
   * Wakes a quiescent group: a follower restarts its election timer (it will campaign if no leader
   * speaks up within an election timeout), a leader heartbeats at once. The driver calls it for the
   * groups shared with a peer node it stopped hearing from, or heard again after a silence.
   */
  public void wake() {
    if (timers.wake(role == Role.LEADER) && role == Role.LEADER) {
      leadership.broadcastHeartbeat();
    }
  }

  /** Pre-vote rounds started since construction; these never change any term. */
  public long preVotesStarted() {
    return preVotesStarted;
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
      timers.restartElection();
      elections.campaign(options.preVote(), false);
    }
  }

  /**
   * The driver knows the leader's process is gone (its connection closed): forget the leader (its lease no
   * longer refuses other candidates) and stand soon, the survivors taking turns ({@link Timers#standInTurn})
   * rotated by {@code rotation} (the group id, so the dead node's groups spread over them). Ignored unless
   * {@code nodeId} is the leader this follower knows. Not needed for safety: a wrong belief costs an election.
   */
  public void leaderUnreachable(int nodeId, int rotation) {
    if (role == Role.LEADER || leader != nodeId || leader == NONE) {
      return;
    }
    wake();
    leader = NONE;
    timers.standInTurn(membership.current().voters(), id, nodeId, rotation);
    elections.replayHeldPreVote(this::step); // a candidate that asked moments before is answered now
  }

  /**
   * The driver heard lately from node {@code nodeId}'s process, whose Raft loop runs (pings come from a timer
   * thread, so a slow fsync there does not hold them up). Its follower holds its election timer and lease
   * as on a heartbeat; a leader counts it active for check-quorum: a loop stretched by a slow disk is not
   * taken for a dead leader or a lost quorum (the election storm of thousands of groups under load). When
   * pings stop the ordinary timers run again. Safety does not depend on it, only when an election starts.
   */
  public void peerAlive(int nodeId) {
    if (timers.quiesced() || nodeId == id) {
      return;
    }
    if (role == Role.FOLLOWER && leader == nodeId) {
      timers.holdForLeader();
    } else if (role == Role.LEADER) {
      leadership.peerAlive(nodeId);
    }
  }

  /**
   * Holds back this node's next election by {@code ticks} beyond its randomized timeout (ignored by a
   * leader). A driver opening many groups at once gives the preferred replica a head start this way,
   * so each group elects once, and the replica the placement chose, instead of whoever times out first.
   */
  public void delayElection(int ticks) {
    if (role != Role.LEADER && ticks > 0) {
      timers.delayElection(ticks);
    }
  }

  /** Advances logical time by one tick: election timeouts for followers, heartbeats for leaders. */
  public void tick() {
    if (timers.quiesced()) {
      return; // no timer runs: a leader quiesces only when every follower has every entry
    }
    if (role != Role.LEADER) {
      if (timers.followerTimedOut(membership.current().isVoter(id))) {
        elections.campaign(options.preVote(), false);
      }
      return;
    }
    if (timers.leaderElectionTimeout()) {
      if (options.checkQuorum() && !leadership.hasRecentQuorum()) {
        becomeFollower(term, NONE);
        return;
      }
      leadership.abandonTransfer();
    }
    leadership.tick();
    if (timers.heartbeatDue()) {
      if (options.quiesce() && leadership.idle()) {
        // tell every follower to stop its election timer, and stop heartbeating
        leadership.sendQuiesce();
        timers.quiesce();
      } else {
        leadership.broadcastHeartbeat();
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
    return leadership.propose(payloads);
  }

  public ProposeResult propose(byte[] payload) {
    return propose(List.of(payload));
  }

  /**
   * Proposes moving to the given voters and learners (joint consensus for any voter change). Returns false
   * if not leader, another change is in progress, or a new voter is not a learner holding every commit.
   */
  public boolean proposeConfiguration(SortedSet<Integer> voters, SortedSet<Integer> learners) {
    wake();
    return role == Role.LEADER && leadership.proposeConfiguration(voters, learners);
  }

  /**
   * Requests a linearizable read point (ReadIndex, dissertation §6.4). The answer arrives as a
   * {@link ReadState} with the same context in a later Ready. Returns false if it cannot be served
   * now (no known leader, or the leader has not committed an entry of its term yet); retry later.
   */
  public boolean readIndex(long context) {
    wake();
    return role == Role.LEADER ? leadership.readIndex(context, id) : following.forwardReadIndex(context);
  }

  /** Leader only: hand leadership to {@code target} (TimeoutNow once it is caught up, §3.10). */
  public void transferLeadership(int target) {
    wake();
    if (role == Role.LEADER && leadership.transfer(target)) {
      timers.restartElection();
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
    return following.forwardTransfer(target);
  }

  /** Handles a message from a peer of this group. */
  public void step(Message m) {
    if (timers.quiesced() && Timers.wakes(m)) {
      wake();
    }
    if (m.from() == leader && role != Role.LEADER) {
      timers.fromLeaderNode(m, term); // before admitTerm: its lease would drop the vote request unseen
    }
    if (!elections.admitTerm(m) || elections.step(m)) {
      return;
    }
    switch (m.type()) {
      case READ_INDEX:
        if (role == Role.LEADER) {
          leadership.readIndex(m.context(), m.from());
        }
        return;
      case READ_INDEX_RESPONSE:
        assembly.readState(new ReadState(m.context(), m.index()));
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
      leadership.step(m);
    } else {
      following.step(m);
    }
  }

  // ---------------------------------------------------------------- Ready / advance

  public boolean hasReady() {
    return leadership.broadcastPending() || assembly.hasReady(term, vote) || following.snapshotWorkPending();
  }

  /** Collects pending work. Must be followed by {@link #advance} before the next call. */
  public Ready ready() {
    return ready(Long.MAX_VALUE);
  }

  /**
   * As {@link #ready()}, with at most about {@code committedBytesMax} of committed entries to apply (none
   * when not positive, else at least one): a driver bounds what thousands of groups replaying at once read.
   */
  public Ready ready(long committedBytesMax) {
    assembly.begin();
    following.actOnPersistedChunks();
    leadership.flushAppends(role == Role.LEADER);
    return assembly.collect(hardState(), role, leader, following.snapshotChunks(), committedBytesMax);
  }

  /** The driver has durably persisted, sent and applied everything in {@code rd}. */
  public void advance(Ready rd) {
    assembly.advance(rd);
    if (!rd.snapshotChunks().isEmpty()) {
      following.snapshotChunksPersisted();
    }
    if (role == Role.LEADER) {
      leadership.selfDurable();
    } else if (role == Role.CANDIDATE && assembly.durableVote(term, id)) {
      elections.selfVoteDurable();
    }
  }

  // ---------------------------------------------------------------- roles

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  private void reset(long newTerm) {
    if (newTerm != term) {
      term = newTerm;
      vote = NONE;
      assembly.dropAcknowledgements();
    }
    leader = NONE;
    timers.reset();
    leadership.clear();
    elections.clearVotes();
  }

  /** §5.2: this node votes for {@code candidate} in the current term and restarts its election timer. */
  void grantVote(int candidate) {
    assert vote == NONE || vote == candidate : "vote=" + vote + " candidate=" + candidate + " term=" + term;
    timers.restartElection();
    vote = candidate;
  }

  /** A message of the current term's leader arrived: follow it and restart the election timer. */
  void heardFromLeader(int from) {
    assert from != id : "id=" + id + " reason=own-leader-message";
    if (role != Role.FOLLOWER) {
      becomeFollower(term, from);
    }
    leader = from;
    timers.heardFromLeader();
  }

  int electionElapsed() {
    return timers.electionElapsed();
  }

  int vote() {
    return vote;
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
    leadership.start();
  }

  /** Applies membership changes that became committed in (before, committed]. */
  void onCommitted(long before) {
    Configuration old = membership.current();
    boolean enteredJoint = membership.applyCommitted(log, before, log.committed());
    if (old.equals(membership.current()) || role != Role.LEADER) {
      return;
    }
    leadership.membershipChanged(enteredJoint);
  }

  // ---------------------------------------------------------------- quiescence

  /** Follower: the leader is idle and our log ends where its log ends. */
  void quiescedByLeader() {
    timers.quiesce();
  }

  void readState(ReadState state) {
    assembly.readState(state);
  }

  void send(Message m) {
    assembly.send(m);
  }
}
