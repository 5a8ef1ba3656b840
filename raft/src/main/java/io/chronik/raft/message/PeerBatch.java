package io.chronik.raft.message;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Groups outgoing messages of many Raft groups by destination node, so a node hosting thousands of
 * groups sends one frame per peer per round instead of one per group.
 *
 * <p>Why this is enough to coalesce heartbeats: a {@link MessageType#HEARTBEAT} carries only term,
 * commit and a read context, all per group, and is produced by {@code RaftNode.tick()} in the same
 * driver pass for every group. A driver ticks all its groups, drains their Readys into one
 * PeerBatch, and ships each {@link #forPeer} list as one network frame; the receiver steps each
 * message into its group. Nothing in the core depends on one message per frame. A transport may go
 * further and encode a heartbeat as (group, term, commit) triples.
 *
 * @param <G> the driver's group identifier
 */
public final class PeerBatch<G> {

  /** A message tagged with its group. */
  public record Addressed<G>(G group, Message message) {}

  private final TreeMap<Integer, List<Addressed<G>>> byPeer = new TreeMap<>();
  private int size;

  public void add(G group, Message message) {
    byPeer.computeIfAbsent(message.to(), k -> new ArrayList<>()).add(new Addressed<>(group, message));
    size++;
  }

  public void addAll(G group, List<Message> messages) {
    for (Message m : messages) {
      add(group, m);
    }
  }

  /** Destination nodes in ascending id order. */
  public Iterable<Integer> peers() {
    return byPeer.keySet();
  }

  public List<Addressed<G>> forPeer(int peer) {
    return byPeer.getOrDefault(peer, List.of());
  }

  public int size() {
    return size;
  }

  public void clear() {
    byPeer.clear();
    size = 0;
  }
}
