package io.chronik.broker.replication;

import io.chronik.pipeline.completion.InFlightLimit;
import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import io.chronik.pipeline.driver.RaftDriver;
import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.message.Message;
import io.chronik.raft.message.MessageType;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Metadata commands a node that does not lead the metadata group hands to the leader (fire and forget:
 * the caller watches the metadata for the outcome, e.g. an auto-created topic appearing). One travels as
 * a metadata-group APPEND of term 0, which no real append carries (their terms are at least 1); the
 * leader proposes what it receives, without a callback.
 */
final class ForwardedProposals {
  /** The carrying entry's index: sent by the proposing node (may be passed on once), or passed on already. */
  private static final long FIRST_HOP = 1;
  private static final long RELAYED = 2;
  private final int selfId;
  private final RaftDriver<GroupMessage> driver;
  private final MetadataGroup metadata;
  private final InFlightLimit inFlight;
  private final PeerTransport<GroupMessage> transport;

  ForwardedProposals(int selfId, RaftDriver<GroupMessage> driver, MetadataGroup metadata, InFlightLimit inFlight,
      PeerTransport<GroupMessage> transport) {
    this.selfId = selfId;
    this.driver = driver;
    this.metadata = metadata;
    this.inFlight = inFlight;
    this.transport = transport;
  }

  /** {@code message} is a forwarded metadata proposal, not a Raft append. */
  static boolean is(GroupMessage message) {
    Message m = message.message();
    return message.groupId() == MetadataGroup.GROUP_ID && m.type() == MessageType.APPEND && m.term() == 0;
  }

  /**
   * Transport thread: queues the proposal of a received one; false when the driver's queue is full. A node that
   * does not lead passes a first-hop proposal on to its leader once (a node outside the metadata group knows no
   * leader and sends to every node it knows, see {@link #forwardToEvery}); a passed-on one stops there.
   */
  boolean received(GroupMessage message) {
    Message m = message.message();
    byte[] command = m.entries().isEmpty() ? new byte[0] : m.entries().get(0).payload();
    boolean firstHop = !m.entries().isEmpty() && m.entries().get(0).index() == FIRST_HOP;
    return driver.offerTask(() -> {
      if (metadata.leading() || !firstHop) {
        propose(command);
      } else {
        send(metadata.leaderHint(), command, RELAYED);
      }
    });
  }

  /** Any thread: sends {@code command} to each of {@code nodes}; the metadata leader among them proposes it. */
  void forwardToEvery(MetadataCommand command, java.util.Collection<Integer> nodes) {
    byte[] bytes = MetadataCommand.encode(command);
    driver.offerTask(() -> nodes.forEach(n -> send(n, bytes, FIRST_HOP)));
  }

  private void send(int to, byte[] command, long hop) {
    if (to >= 0 && to != selfId && command.length > 0) {
      Message m = Message.of(MessageType.APPEND, selfId, to, 0)
          .entries(List.of(new Entry(hop, 1, EntryType.NORMAL, command))).build();
      transport.send(to, List.of(new GroupMessage(MetadataGroup.GROUP_ID, m)));
      transport.flush();
    }
  }

  /** Any thread: proposes {@code command} here if this node leads the metadata group, else sends it to the leader. */
  void forward(MetadataCommand command) {
    byte[] bytes = MetadataCommand.encode(command);
    driver.offerTask(() -> {
      if (metadata.leading()) {
        propose(bytes);
        return;
      }
      send(metadata.leaderHint(), bytes, FIRST_HOP);
    });
  }

  /** Driver thread. */
  private void propose(byte[] command) {
    if (command.length > 0 && metadata.leading() && inFlight.tryAcquire()) {
      if (!driver.offerProposal(DetachedProposal.copyOf(new SingleAppend(0, ByteBuffer.wrap(command), 0, null,
          null)))) {
        inFlight.release(1);
      }
    }
  }
}
