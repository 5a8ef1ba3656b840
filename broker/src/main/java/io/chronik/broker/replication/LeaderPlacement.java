package io.chronik.broker.replication;

import io.chronik.pipeline.driver.Handoff;
import io.chronik.pipeline.driver.RaftNodeGroup;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * Where leadership of this node's Raft groups goes: back to preferred replicas (the balancer), and
 * away from this node when it stops (the handoff).
 *
 * <p>The balancer: every {@code leader.balance.interval.ms}, partitions this node leads but does not
 * prefer go back to their preferred replicas, a bounded number per round so a restart does not turn into
 * a burst of thousands of transfers at once; a replica whose node said it is stopping is never offered.
 *
 * <p>The handoff, graceful shutdown's first phase: this node hands leadership of every Raft group it leads to an
 * up-to-date follower before it stops, so clients move to the new leaders within a round trip instead
 * of waiting out an election timeout after the process is gone (Kafka's controlled shutdown). While it
 * runs the node refuses leadership offered to it ({@code TIMEOUT_NOW} from another leader's transfer
 * is dropped) and its liveness pings tell peers not to offer any. Among the voters that may lead, one that has
 * been up for the warm-up is preferred. Raft's rules decide everything else:
 * a transfer only completes to a voter holding every entry, and the leader refuses proposals while one
 * is under way.
 *
 * <p>Rounds run on the driver thread; {@link #refuses} runs on transport threads.
 */
final class LeaderPlacement {
  /** How often a handoff round looks at every group this node leads. */
  static final long HANDOFF_ROUND_MS = 50;
  /** Preferred-leader transfers started per balance round at most. */
  static final int BALANCE_TRANSFERS_PER_ROUND = 256;

  private final MetadataImage image;
  private final RaftNodeGroup metadata;
  private final PeerLiveness liveness;
  private volatile long leaderTransfers;
  /** A preferred replica is offered leadership only after it has been up this long (leader.balance.warmup.ms). */
  private final long warmupNanos;
  private volatile int quiescentNow;
  private volatile long groupsWoken;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LeaderPlacement.class);

  private final CompletableFuture<Result> done = new CompletableFuture<>();
  private volatile boolean active;
  private long startNanos;
  private int firstLed = -1;

  /** Where the handoff stands: groups still led with a transfer under way, groups no other voter can take. */
  record Result(int groupsHandedOff, int transferring, int noSuccessor, long elapsedMs) {
    boolean complete() {
      return transferring == 0;
    }

    @Override
    public String toString() {
      return "complete=" + complete() + " groupsHandedOff=" + groupsHandedOff + " transferring=" + transferring + " noSuccessor=" + noSuccessor
          + " elapsedMs=" + elapsedMs;
    }
  }

  LeaderPlacement(MetadataImage image, RaftNodeGroup metadata, PeerLiveness liveness, long warmupNanos) {
    this.image = image;
    this.metadata = metadata;
    this.liveness = liveness;
    this.warmupNanos = warmupNanos;
  }

  /** Driver thread, every leader.balance.interval.ms: see the class comment. */
  void balance() {
    int started = 0;
    int quiescent = 0;
    long nowNanos = System.nanoTime();
    IntPredicate mayLead = peer -> liveness.mayLead(peer)
        && liveness.upFor(peer, nowNanos, warmupNanos);
    for (PartitionGroup group : image.hostedGroups()) {
      if (started < BALANCE_TRANSFERS_PER_ROUND && transferToPreferred(group, mayLead)) {
        started++;
      }
      if (group.quiescent()) {
        quiescent++;
      }
    }
    leaderTransfers += started;
    quiescentNow = quiescent;
  }

  /**
   * If this node leads {@code group} but is not its preferred replica, hands leadership to the preferred one
   * once it is active and has every entry (Kafka's preferred leader election). Placement spreads preferred
   * replicas evenly, so this restores an even spread of leaders after a restart or a failover, and after a
   * creation where one node opened its groups seconds before the others. Returns whether a transfer started.
   */
  static boolean transferToPreferred(PartitionGroup group, IntPredicate mayLead) {
    io.chronik.raft.node.RaftNode node = group.raftNode();
    int preferred = group.preferredLeader();
    if (preferred == io.chronik.raft.node.RaftNode.NONE || preferred == node.id()
        || node.role() != io.chronik.raft.node.Role.LEADER) {
      return false;
    }
    io.chronik.raft.replication.Progress progress = node.progress(preferred);
    if (progress == null || !progress.recentActive() || progress.match() != node.lastIndex()
        || !mayLead.test(preferred)) {
      return false;
    }
    node.transferLeadership(preferred);
    return true;
  }

  /**
   * Driver thread: a peer went down or came back; every quiescent group it is a member of wakes, and
   * if its process died (closed connection) the followers of the groups it led stand at once instead
   * of after a whole election timeout (Kafka moves leaders on session loss too).
   */
  void peerChanged(int peer) {
    boolean died = liveness.died(peer);
    int woken = metadata.wakeIfMember(peer) ? 1 : 0;
    if (died) {
      metadata.leaderUnreachable(peer);
    }
    for (PartitionGroup group : image.hostedGroups()) {
      if (group.wakeIfMember(peer)) {
        woken++;
      }
      if (died) {
        group.leaderUnreachable(peer);
      }
    }
    groupsWoken += woken;
    LOG.info("peer={} event={} quiescentGroupsWoken={}", peer, died ? "died" : liveness.down(peer) ? "down" : "up",
        woken);
  }

  /**
   * Driver thread, once per heartbeat interval for each peer that pinged lately with its loop running:
   * every group shared with it keeps its lease (RaftNode.peerAlive), so a loop that a slow fsync
   * stretches past the election timeout, on this node or that one, starts no election.
   */
  void peerAlive(int peer) {
    metadata.peerAlive(peer);
    for (PartitionGroup group : image.hostedGroups()) {
      group.peerAlive(peer);
    }
  }

  /** Quiescent groups woken by peers going down or coming back (metrics). */
  long groupsWoken() {
    return groupsWoken;
  }

  /** Preferred-leader transfers the balancer started (metrics). */
  long leaderTransfers() {
    return leaderTransfers;
  }

  /** Quiescent partition groups at the last balance round (metrics). */
  int quiescent() {
    return quiescentNow;
  }

  /** Starts the handoff (once); this node's pings say it is stopping from now on. */
  boolean startHandoff(long nowNanos) {
    if (active) {
      return false;
    }
    liveness.stopping();
    startNanos = nowNanos;
    active = true;
    return true;
  }

  /** Transport threads: leadership offered to a node that is stopping is declined. */
  boolean refuses(Message m) {
    return active && m.type() == MessageType.TIMEOUT_NOW;
  }

  CompletableFuture<Result> done() {
    return done;
  }

  /**
   * Driver thread: asks every group this node leads to hand off to a voter that may lead; completes
   * {@link #done} once no group it leads has a successor left to wait for.
   */
  void handoffRound(long nowNanos) {
    int transferring = 0;
    int noSuccessor = 0;
    List<RaftNodeGroup> groups = new ArrayList<>(image.hostedGroups());
    groups.add(metadata);
    // A node that came back seconds ago is still cold (JIT, page cache, client connections): leadership
    // handed to it stalls produce for hundreds of ms (GracefulShutdownTest's rolling restart showed it).
    // So a warm voter is preferred, and a cold one only takes over when no warm one can.
    IntPredicate warm = peer -> liveness.mayLead(peer) && liveness.upFor(peer, nowNanos, warmupNanos);
    for (RaftNodeGroup group : groups) {
      Handoff h = group.handOffLeadership(warm);
      if (h == Handoff.NO_SUCCESSOR) {
        h = group.handOffLeadership(liveness::mayLead);
      }
      if (h == Handoff.TRANSFERRING) {
        transferring++;
      } else if (h == Handoff.NO_SUCCESSOR) {
        noSuccessor++;
      }
    }
    if (firstLed < 0) {
      firstLed = transferring + noSuccessor;
    }
    if (transferring == 0 && !done.isDone()) {
      done.complete(result(transferring, noSuccessor, nowNanos));
    }
  }

  private Result result(int transferring, int noSuccessor, long nowNanos) {
    int led = transferring + noSuccessor;
    return new Result(Math.max(0, firstLed - led), transferring, noSuccessor, (nowNanos - startNanos) / 1_000_000);
  }
}
