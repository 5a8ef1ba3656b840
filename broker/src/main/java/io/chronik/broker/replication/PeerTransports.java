package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.ClusterNodes;
import io.chronik.broker.peer.NettyPeerTransport;
import io.chronik.pipeline.driver.GroupMessage;
import io.chronik.pipeline.driver.PeerTransport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/** Chooses the peer transport for a node's member list: none for one node, Netty for a cluster. */
public final class PeerTransports {
  private PeerTransports() {}

  /**
   * A node registered in the metadata after start: {@code transport} reaches it from now on. The solo transport
   * of a one-node cluster reaches nobody (such a cluster takes no new nodes; docs/MEMBERSHIP.md).
   */
  static void addPeer(PeerTransport<GroupMessage> transport, RegisteredNodes.Node node) {
    if (transport instanceof NettyPeerTransport netty && node.raftPort() > 0) {
      netty.addPeer(node.id(), new InetSocketAddress(node.host(), node.raftPort()));
    }
  }

  /** The peer transport's figures for the periodic metrics line (none without peers). */
  static String summary(PeerTransport<GroupMessage> transport) {
    return transport instanceof NettyPeerTransport netty ? " peerMessagesSent=" + netty.messagesSent()
        + " peerMessagesDropped=" + netty.messagesDropped() + " peerFramesSent=" + netty.framesSent() : "";
  }

  public static Function<Predicate<GroupMessage>, PeerTransport<GroupMessage>> factory(BrokerConfig config) {
    ClusterNodes cluster = config.clusterNodes();
    if (cluster.size() == 1 && config.get(BrokerSettings.CLUSTER_BOOTSTRAP).isEmpty()) {
      return sink -> new SoloTransport();
    }
    ClusterNodes.Node self = cluster.node(config.nodeId());
    Map<Integer, InetSocketAddress> peers = new HashMap<>();
    for (ClusterNodes.Node n : cluster.nodes()) {
      if (n.id() != self.id()) {
        peers.put(n.id(), new InetSocketAddress(n.host(), n.raftPort()));
      }
    }
    // the largest Raft message: one entry holds a whole produce request's batches for a partition
    int frameBytesMax = config.get(BrokerSettings.REQUEST_BYTES_MAX) + (1 << 20);
    InetSocketAddress bind = new InetSocketAddress(self.host(), self.raftPort());
    return sink -> {
      try {
        return new NettyPeerTransport(self.id(), peers, bind, sink, frameBytesMax, config.get(BrokerSettings.TRANSPORT), 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("node=" + self.id() + " reason=interrupted-starting-peer-transport", e);
      }
    };
  }
}
