package io.chronik.broker.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The static member list of a cluster, parsed from {@code id@host:kafkaPort:raftPort,...}. Node ids
 * are small non-negative integers, unique; they double as Raft peer ids, so they stay below
 * {@link #NODE_ID_LIMIT}.
 */
public record ClusterNodes(List<Node> nodes) {
  public static final int NODE_ID_LIMIT = 64;
  /** DescribeQuorum's listener name for a node's Raft (peer) address; a node joining by bootstrap dials these. */
  public static final String RAFT_LISTENER = "CHRONIK_RAFT";

  /** One member: where clients reach it and where peers reach its Raft listener (0 = none). */
  public record Node(int id, String host, int kafkaPort, int raftPort) {}

  public ClusterNodes {
    nodes = List.copyOf(nodes);
  }

  static ClusterNodes single(int id, String host, int kafkaPort) {
    if (id >= NODE_ID_LIMIT) {
      throw new IllegalArgumentException("key=node.id value=" + id + " reason=must be below " + NODE_ID_LIMIT);
    }
    return new ClusterNodes(List.of(new Node(id, host, kafkaPort, 0)));
  }

  /** Parses the spec; messages name the bad part ({@code part=… reason=…}). */
  public static ClusterNodes parse(String spec) {
    List<Node> nodes = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      int at = p.indexOf('@');
      String[] hostPorts = at < 0 ? new String[0] : p.substring(at + 1).split(":");
      if (at <= 0 || hostPorts.length != 3 || hostPorts[0].isEmpty()) {
        throw new IllegalArgumentException("part=" + p + " reason=expected id@host:kafkaPort:raftPort");
      }
      int id = number(p, p.substring(0, at), NODE_ID_LIMIT - 1);
      int kafkaPort = number(p, hostPorts[1], 65535);
      int raftPort = number(p, hostPorts[2], 65535);
      if (kafkaPort == 0 || raftPort == 0) {
        throw new IllegalArgumentException("part=" + p + " reason=ports must be fixed (not 0)");
      }
      for (Node n : nodes) {
        if (n.id() == id) {
          throw new IllegalArgumentException("part=" + p + " reason=duplicate node id");
        }
      }
      nodes.add(new Node(id, hostPorts[0], kafkaPort, raftPort));
    }
    return new ClusterNodes(nodes);
  }

  private static int number(String part, String text, int max) {
    try {
      int v = Integer.parseInt(text);
      if (v < 0 || v > max) {
        throw new IllegalArgumentException("part=" + part + " reason=out-of-range value=" + v + " max=" + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("part=" + part + " reason=not-an-integer value=" + text);
    }
  }

  /** The member with {@code id}, or null. */
  public Node node(int id) {
    for (Node n : nodes) {
      if (n.id() == id) {
        return n;
      }
    }
    return null;
  }

  /** These nodes and {@code extra} (unless one has its id). */
  public ClusterNodes with(Node extra) {
    if (node(extra.id()) != null) {
      return this;
    }
    List<Node> all = new ArrayList<>(nodes);
    all.add(extra);
    return new ClusterNodes(all);
  }

  /** The {@code id@host:kafkaPort:raftPort,...} text {@link #parse} reads. */
  public String spec() {
    StringBuilder b = new StringBuilder();
    for (Node n : nodes) {
      b.append(b.length() == 0 ? "" : ",").append(n.id()).append('@').append(n.host()).append(':')
          .append(n.kafkaPort()).append(':').append(n.raftPort());
    }
    return b.toString();
  }

  public int size() {
    return nodes.size();
  }
}
