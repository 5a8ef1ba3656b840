package io.chronik.broker.replication;

import io.chronik.broker.peer.ConnectionSinks;
import io.chronik.pipeline.driver.GroupMessage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node that lost its disk from voting or acknowledging with the promises its old disk held. Every peer
 * connection presents its sender's data dir incarnation (the directory id in its pings, {@link
 * PeerLiveness#presented}); while a registered sender has not presented one on a connection yet, and whenever it
 * is not the incarnation the metadata registered, that connection's Raft messages are dropped; and while a group still counts the sender's old incarnation
 * ({@link ReplicaRejoins}), its messages in that group are dropped too. Dropping is always safe in Raft (the
 * network may lose any message); what it prevents is a new, empty incarnation answering under an identity whose
 * votes and log some group still counts.
 *
 * <p>Pings and forwarded metadata proposals always pass: they are how the new incarnation registers and is seen
 * alive. A peer of a version without directory ids in its pings presents {@link Uuid#ZERO_UUID}, as does a node
 * not registered yet: both pass (as before this fence).
 */
final class IncarnationFence implements ConnectionSinks {
  private static final Logger log = LoggerFactory.getLogger(IncarnationFence.class);
  private final Predicate<GroupMessage> sink;
  private final MetadataImage image;
  private final LongAdder dropped = new LongAdder();

  /** @param image the node's metadata image: its registrations and rejoins */
  IncarnationFence(Predicate<GroupMessage> sink, MetadataImage image) {
    this.sink = sink;
    this.image = image;
  }

  /** A transport without connections (one node, simulations): nothing presented, nothing to fence. */
  @Override
  public boolean test(GroupMessage message) {
    return sink.test(message);
  }

  @Override
  public Predicate<GroupMessage> connection() {
    return new Predicate<>() {
      /** What this connection's sender presented; null before its first ping. */
      private Uuid presented;
      private boolean dropping;

      @Override
      public boolean test(GroupMessage m) {
        if (PeerLiveness.isPing(m)) {
          presented = PeerLiveness.presented(m);
          return sink.test(m);
        }
        if (ForwardedProposals.is(m)) {
          return sink.test(m);
        }
        String refusal = refusal(m.message().from(), m.groupId(), presented);
        if (refusal != null) {
          dropped.increment();
          if (!dropping && presented == null) {
            dropping = true; // a new connection before its first ping: expected, for one ping interval
            log.debug("peer={} reason={} action=dropping-its-raft-messages", m.message().from(), refusal);
          } else if (!dropping) {
            dropping = true; // once per connection and cause change, not per message
            log.warn("peer={} group={} presented={} reason={} action=dropping-its-raft-messages", m.message().from(),
                m.groupId(), presented, refusal);
          }
          return true;
        }
        if (dropping) {
          dropping = false;
          log.debug("peer={} group={} presented={} action=admitting-its-raft-messages", m.message().from(), m.groupId(),
              presented);
        }
        return sink.test(m);
      }
    };
  }

  /** Why a Raft message of {@code from} in {@code groupId} is dropped, or null to admit it. */
  String refusal(int from, int groupId, Uuid presented) {
    Uuid registered = image.registered.directoryId(from);
    if (registered.equals(Uuid.ZERO_UUID)) {
      return null; // nothing to compare with (a new cluster, a node not registered yet): as before this fence
    }
    if (presented == null) {
      return "incarnation-not-presented-yet";
    }
    if (presented.equals(Uuid.ZERO_UUID)) {
      return null; // a node of a version without directory ids in its pings
    }
    if (!registered.equals(presented)) {
      return "incarnation-not-registered registered=" + registered;
    }
    return image.rejoins.fences(from, groupId) ? "old-incarnation-still-counted" : null;
  }

  /** Raft messages dropped since start (any thread; metrics). */
  long dropped() {
    return dropped.sum();
  }
}
