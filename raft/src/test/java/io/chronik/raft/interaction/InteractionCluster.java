package io.chronik.raft.interaction;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.message.Message;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.RaftOptions;
import io.chronik.raft.node.Ready;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for interaction tests: Readys are handled only when asked, messages sit in a
 * network queue until delivered, links can be cut. Every step reports what happened as text.
 */
final class InteractionCluster {

  final TreeMap<Integer, RaftNode> nodes = new TreeMap<>();
  final TreeMap<Integer, MemoryLogStorage> disks = new TreeMap<>();
  final List<Message> network = new ArrayList<>();
  final TreeSet<Integer> isolated = new TreeSet<>();
  private final Configuration initial;
  private final RaftOptions options;

  InteractionCluster(List<Integer> ids, List<Integer> voters, RaftOptions options) {
    this.initial = Configuration.of(voters);
    this.options = options;
    for (int id : ids) {
      disks.put(id, new MemoryLogStorage());
      start(id);
    }
  }

  void start(int id) {
    nodes.put(id, new RaftNode(id, disks.get(id), initial, options, new SplittableRandom(id)));
  }

  RaftNode node(int id) {
    return nodes.get(id);
  }

  /** Handles every pending Ready (persist, queue messages, apply, advance), reporting it. */
  void processReadys(StringBuilder out) {
    for (var e : nodes.entrySet()) {
      RaftNode n = e.getValue();
      if (!n.hasReady()) {
        continue;
      }
      Ready rd = n.ready();
      MemoryLogStorage disk = disks.get(e.getKey());
      rd.snapshotChunks().forEach(disk::persistSnapshotChunk);
      if (rd.snapshot() != null) {
        disk.installReceivedSnapshot(rd.snapshot());
      }
      disk.append(rd.entries());
      if (rd.hardState() != null) {
        disk.saveHardState(rd.hardState());
      }
      for (Message m : rd.messages()) {
        if (!isolated.contains(m.from()) && !isolated.contains(m.to())) {
          network.add(m);
        }
      }
      for (Entry c : rd.committedEntries()) {
        out.append("  ").append(e.getKey()).append(" applies ").append(c.term()).append('/').append(c.index())
            .append(c.type() == io.chronik.raft.log.EntryType.CONFIG ? " (config)"
                : c.payload().length == 0 ? "" : " " + new String(c.payload(), StandardCharsets.UTF_8))
            .append('\n');
      }
      rd.readStates().forEach(rs -> out.append("  ").append(e.getKey()).append(" read-state ctx=")
          .append(rs.context()).append(" index=").append(rs.index()).append('\n'));
      n.advance(rd);
    }
  }

  /** Delivers queued messages matching the filter, reporting each. */
  boolean deliver(StringBuilder out, Predicate<Message> which) {
    List<Message> now = new ArrayList<>();
    network.removeIf(m -> {
      if (which.test(m)) {
        now.add(m);
        return true;
      }
      return false;
    });
    for (Message m : now) {
      out.append("  ").append(m).append('\n');
      nodes.get(m.to()).step(m);
    }
    return !now.isEmpty();
  }

  /** Readys and deliveries until nothing moves. */
  void stabilize(StringBuilder out) {
    for (int round = 0; round < 100; round++) {
      processReadys(out);
      if (!deliver(out, m -> true)) {
        boolean pending = nodes.values().stream().anyMatch(RaftNode::hasReady);
        if (!pending) {
          return;
        }
      }
    }
    out.append("  (not stable after 100 rounds)\n");
  }

  String status(int id) {
    RaftNode n = nodes.get(id);
    Configuration c = n.configuration();
    return id + ": " + n.role() + " term=" + n.term() + " leader=" + n.leader() + " commit=" + n.commitIndex()
        + " last=" + n.lastIndex() + " voters=" + c.voters() + (c.joint() ? " outgoing=" + c.outgoing() : "")
        + (c.learners().isEmpty() ? "" : " learners=" + c.learners());
  }

  String log(int id) {
    RaftNode n = nodes.get(id);
    StringBuilder sb = new StringBuilder();
    for (long i = 1; i <= n.lastIndex(); i++) {
      sb.append(n.termAt(i)).append('/').append(i).append(' ');
    }
    return id + ": " + sb.toString().trim();
  }
}
