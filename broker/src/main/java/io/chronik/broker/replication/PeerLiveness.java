package io.chronik.broker.replication;

import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Node-level failure detection for quiescent Raft groups (CockroachDB's answer to "who notices a dead
 * leader when idle groups send no heartbeats?"). Every node pings every peer once per heartbeat
 * interval with one tiny message outside any group; a peer counts as down when nothing at all came
 * from it for {@code silenceNanosMax}, or at once when its connection closed (a killed process). When a
 * peer goes down or comes back, the driver wakes every quiescent group shared with it: followers of a
 * dead leader restart their election timers, leaders heartbeat a restarted follower so it learns who
 * leads. Each group's Raft rules decide the rest; this only restores the timers that quiescence paused.
 */
final class PeerLiveness {
  /** Group id of a ping: no Raft group, consumed by the transport's inbound sink. */
  static final int PING_GROUP_ID = -1;
  /** Bits of a ping's term field (a plain ping carries 0): the sender is shutting down. */
  private static final long PING_STOPPING = 1;
  /** The sender's Raft loop has not begun a new round for a while (stuck, e.g. in a sync that hangs). */
  private static final long PING_STALLED = 2;
  /**
   * The sender applies {@link MetadataCommand.RegisterNode} records (this version or later). A node of an
   * older version stops on a record it does not know, so founding nodes register only once every member
   * of the metadata group says this: a rolling upgrade never halts the nodes not yet upgraded.
   */
  private static final long PING_REGISTERS = 4;

  private final int selfId;
  /** This node's data dir incarnation, in every ping (the peers' {@link IncarnationFence} reads it). */
  private volatile org.apache.kafka.common.Uuid directoryId;
  private final List<Integer> peers;
  private final long silenceNanosMax;
  private final AtomicLongArray lastHeardNanos;
  /** Driver thread only. */
  private final boolean[] down;
  /** Driver thread only: when each peer last came up (or this node started), for the balancer's warm-up. */
  private final long[] upSinceNanos;
  /** Driver thread only: the last transition to down was a closed connection (the peer's process died). */
  private final boolean[] closed;
  private long transitions;
  /** Any thread: peers whose last ping said they are shutting down. */
  private final AtomicIntegerArray stopping;
  /** Any thread: {@link #down} as of the last round (1 down), for Metadata's in-sync replica lists. */
  private final AtomicIntegerArray downSeen;
  /** Any thread: when the last ping from a peer came (0: never) and whether it said its loop stalled. */
  private final AtomicLongArray lastPingNanos;
  private final AtomicIntegerArray stalled;
  /** Any thread: whether a peer's last ping said it applies node registrations. */
  private final AtomicIntegerArray registers;
  private volatile boolean selfStopping;
  /** Set once this node fenced itself: it pings nobody again, so peers see it go silent. */
  private volatile boolean silenced;

  PeerLiveness(int selfId, List<Integer> peers, int nodeIdLimit, long silenceNanosMax, long nowNanos) {
    this(selfId, org.apache.kafka.common.Uuid.ZERO_UUID, peers, nodeIdLimit, silenceNanosMax, nowNanos);
  }

  /** @param directoryId this node's data dir incarnation, presented in its pings */
  PeerLiveness(int selfId, org.apache.kafka.common.Uuid directoryId, List<Integer> peers, int nodeIdLimit,
      long silenceNanosMax, long nowNanos) {
    this.selfId = selfId;
    this.directoryId = directoryId;
    this.peers = new java.util.concurrent.CopyOnWriteArrayList<>(peers);
    this.silenceNanosMax = silenceNanosMax;
    this.lastHeardNanos = new AtomicLongArray(nodeIdLimit);
    this.down = new boolean[nodeIdLimit];
    this.closed = new boolean[nodeIdLimit];
    this.upSinceNanos = new long[nodeIdLimit];
    this.stopping = new AtomicIntegerArray(nodeIdLimit);
    this.downSeen = new AtomicIntegerArray(nodeIdLimit);
    this.lastPingNanos = new AtomicLongArray(nodeIdLimit);
    this.stalled = new AtomicIntegerArray(nodeIdLimit);
    this.registers = new AtomicIntegerArray(nodeIdLimit);
    for (int peer : this.peers) {
      lastHeardNanos.set(peer, nowNanos); // a grace period at start, as for a peer just heard
      upSinceNanos[peer] = nowNanos;
    }
  }

  /** Driver thread: a node that joined after start is pinged and watched from now on (as one just heard). */
  void addPeer(int nodeId, long nowNanos) {
    if (nodeId != selfId && nodeId >= 0 && nodeId < down.length && !peers.contains(nodeId)) {
      lastHeardNanos.set(nodeId, nowNanos);
      upSinceNanos[nodeId] = nowNanos;
      peers.add(nodeId);
    }
  }

  /** Any thread (the transport's inbound sink): something arrived from {@code nodeId}. */
  void heard(int nodeId, long nowNanos) {
    if (nodeId >= 0 && nodeId < down.length) {
      lastHeardNanos.lazySet(nodeId, nowNanos);
    }
  }

  static boolean isPing(GroupMessage message) {
    return message.groupId() == PING_GROUP_ID;
  }

  /** Any thread (the inbound sink): a ping arrived; it says whether its sender is shutting down or stalled. */
  void pinged(Message ping, long nowNanos) {
    int from = ping.from();
    if (from >= 0 && from < down.length) {
      stopping.lazySet(from, (ping.term() & PING_STOPPING) != 0 ? 1 : 0);
      stalled.lazySet(from, (ping.term() & PING_STALLED) != 0 ? 1 : 0);
      registers.lazySet(from, (ping.term() & PING_REGISTERS) != 0 ? 1 : 0);
      lastPingNanos.lazySet(from, nowNanos);
    }
  }

  /**
   * Driver thread: {@code peer} is up, pinged within {@code windowNanos} and its loop runs: what lets
   * the groups it leads (and the groups it follows) keep their leases while its loop is merely slow
   * (see {@code RaftNode.peerAlive}).
   */
  boolean alive(int peer, long nowNanos, long windowNanos) {
    long last = lastPingNanos.get(peer);
    return !down[peer] && last != 0 && nowNanos - last <= windowNanos && stalled.get(peer) == 0;
  }

  /** Any thread: {@code peer}'s last ping said it applies node registrations (never pinged: false). */
  boolean appliesRegistrations(int peer) {
    return peer >= 0 && peer < down.length && registers.get(peer) == 1;
  }

  /** Pings present {@code directory} from now on (a data dir restored from the archive took its registered id). */
  void presents(org.apache.kafka.common.Uuid directory) {
    directoryId = directory;
  }

  /** This node is shutting down: its pings say so from now on. */
  void stopping() {
    selfStopping = true;
  }

  /** Any thread: {@code peer} may be offered leadership (it did not say it is shutting down). */
  boolean mayLead(int peer) {
    return peer < 0 || peer >= down.length || stopping.get(peer) == 0;
  }

  /**
   * Driver thread: {@code peer} has been up without a break for at least {@code nanos}. A node that has
   * just restarted runs a cold JVM; leadership handed to it then stalls its partitions' produce while
   * its first elections and appends run slowly (a rolling restart's p99, docs/OPERATIONS.md).
   */
  boolean upFor(int peer, long nowNanos, long nanos) {
    return peer < 0 || peer >= down.length || (!down[peer] && nowNanos - upSinceNanos[peer] >= nanos);
  }

  /** The ping for {@code peer}. */
  GroupMessage ping(int peer, boolean loopStalled) {
    long flags = (selfStopping ? PING_STOPPING : 0) | (loopStalled ? PING_STALLED : 0) | PING_REGISTERS;
    return new GroupMessage(PING_GROUP_ID, Message.of(MessageType.HEARTBEAT, selfId, peer, flags)
        .log(directoryId.getMostSignificantBits(), directoryId.getLeastSignificantBits()).build());
  }

  /**
   * The directory id a ping's sender presented (its index and log term fields); {@link
   * org.apache.kafka.common.Uuid#ZERO_UUID} from a node of a version that did not send one.
   */
  static org.apache.kafka.common.Uuid presented(GroupMessage ping) {
    return new org.apache.kafka.common.Uuid(ping.message().index(), ping.message().logTerm());
  }

  /**
   * Tick thread, once per heartbeat interval: one ping per peer, written straight to the connection
   * (a transport that cannot do that gets it through {@code viaDriver}), so a long driver loop, e.g. one
   * opening thousands of new partitions, never makes this node look dead to its peers. Nothing once
   * {@link #silence}d.
   */
  void pingAll(PeerTransport<GroupMessage> transport, Predicate<Runnable> viaDriver, boolean loopStalled) {
    for (int peer : peers) {
      if (silenced) {
        return;
      }
      GroupMessage ping = ping(peer, loopStalled);
      if (!transport.sendNow(peer, ping) && transport.connected(peer)) {
        viaDriver.test(() -> {
          transport.send(peer, List.of(ping));
          transport.flush();
        });
      }
    }
  }

  /** This node fenced itself (its storage failed): no more pings, for good. */
  void silence() {
    silenced = true;
  }

  List<Integer> peers() {
    return peers;
  }

  /**
   * Driver thread, once per heartbeat interval: updates every peer's state and reports each peer whose
   * state changed (went down, or came back) to {@code changed}.
   */
  void round(long nowNanos, IntPredicate connected, IntConsumer changed) {
    for (int peer : peers) {
      boolean silent = nowNanos - lastHeardNanos.get(peer) > silenceNanosMax;
      boolean disconnected = !connected.test(peer);
      boolean nowDown = silent || disconnected;
      if (nowDown != down[peer]) {
        down[peer] = nowDown;
        downSeen.set(peer, nowDown ? 1 : 0);
        closed[peer] = disconnected && !silent;
        if (!nowDown) {
          upSinceNanos[peer] = nowNanos;
        }
        transitions++;
        changed.accept(peer);
      }
    }
  }

  boolean down(int peer) {
    return down[peer];
  }

  /** Any thread: {@code peer} was not down at the last round (this node itself always counts as up). */
  boolean upAsLastSeen(int peer) {
    return peer == selfId || peer < 0 || peer >= down.length || downSeen.get(peer) == 0;
  }

  /** The peer is down because its connection closed while it was still talking: its process died. */
  boolean died(int peer) {
    return down[peer] && closed[peer];
  }

  /** Peers that went down or came back so far. */
  long transitions() {
    return transitions;
  }
}
