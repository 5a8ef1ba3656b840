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

  /** Transport thread: queues the proposal of a received one; false when the driver's queue is full. */
  boolean received(GroupMessage message) {
    Message m = message.message();
    byte[] command = m.entries().isEmpty() ? new byte[0] : m.entries().get(0).payload();
    return driver.offerTask(() -> propose(command));
  }

  /** Any thread: proposes {@code command} here if this node leads the metadata group, else sends it to the leader. */
  void forward(MetadataCommand command) {
    byte[] bytes = MetadataCommand.encode(command);
    driver.offerTask(() -> {
      if (metadata.leading()) {
        propose(bytes);
        return;
      }
      int leader = metadata.leaderHint();
      if (leader >= 0 && leader != selfId) {
        Message m = Message.of(MessageType.APPEND, selfId, leader, 0)
            .entries(List.of(new Entry(1, 1, EntryType.NORMAL, bytes))).build();
        transport.send(leader, List.of(new GroupMessage(MetadataGroup.GROUP_ID, m)));
        transport.flush();
      }
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
