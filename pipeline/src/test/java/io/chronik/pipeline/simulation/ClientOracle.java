package io.chronik.pipeline.simulation;

import io.chronik.pipeline.completion.AppendStatus;
import io.chronik.raft.log.Entry;
import io.chronik.raft.node.Role;
import io.chronik.raft.storage.DurableLogStorage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What clients and replicas saw, checked as it happens: the committed log every replica applies must
 * be one log; an acks=all success must name the index its payload is committed at, be in index order
 * per node, and at that moment be durable on a majority of disks (a node whose damaged log was cut below its repair floor counts: it neither votes nor campaigns until refilled; nothing counts toward a commit
 * unless fsynced); commit indexes never move back within a process; at most one leader per term.
 * Payloads are unique per proposal (its cookie), so "exactly once" is checkable.
 */
final class ClientOracle {
  /** An acknowledged append: {@code cookie} was acknowledged at {@code index} of {@code group} by {@code node}. */
  record Ack(long cookie, int group, long index, int node) {}

  /**
   * {@code -Dsim.ackDurability=false} skips the durability check at the moment of each ack and keeps
   * only the after-crash and end-of-run ones: to see whether a durability bug also loses data.
   */
  private static final boolean CHECK_AT_ACK = !"false".equals(System.getProperty("sim.ackDurability"));

  private final int nodes;
  private final int groups;
  private List<SimNode> replicas;
  /** Per group: the committed log as the first replica to apply each index saw it (index i at i-1). */
  private final List<List<Entry>> committed = new ArrayList<>();
  /** Per group: cookie → index it was committed at. */
  private final List<Map<Long, Long>> committedAt = new ArrayList<>();
  /** Per group: term → the node that led it. */
  private final List<Map<Long, Integer>> leaders = new ArrayList<>();
  private final Map<Long, Ack> acks = new HashMap<>();
  private final List<Ack> ackOrder = new ArrayList<>();
  /** [node][group] cursors of the current process of each node. */
  private final long[][] lastApplied;
  private final long[][] lastCommit;
  private final long[][] lastAck;
  private long completions;
  private long failures;

  ClientOracle(int nodes, int groups) {
    this.nodes = nodes;
    this.groups = groups;
    for (int g = 0; g < groups; g++) {
      committed.add(new ArrayList<>());
      committedAt.add(new HashMap<>());
      leaders.add(new HashMap<>());
    }
    lastApplied = new long[nodes][groups];
    lastCommit = new long[nodes][groups];
    lastAck = new long[nodes][groups];
  }

  void replicas(List<SimNode> replicas) {
    this.replicas = replicas;
  }

  static long cookieOf(Entry e) {
    return e.payload().length >= 8 ? ByteBuffer.wrap(e.payload()).getLong(0) : -1;
  }

  /**
   * A process (re)started over {@code storage}: its recovered commit must not claim entries its disk
   * lacks, and the entries it holds up to it must be the committed ones.
   */
  void restarted(int node, int group, DurableLogStorage storage, SimGroup core) {
    lastApplied[node][group] = core.appliedIndex();
    lastCommit[node][group] = core.commitIndex();
    lastAck[node][group] = 0;
    long commit = storage.hardState().commit();
    // a repair cuts committed entries away with the damage: the floor (at least the commit) stands for them
    if (commit > storage.lastIndex() && storage.repairFloorIndex() < commit) {
      throw new SimViolation("node=" + node + " group=" + group + " recoveredCommit=" + commit
          + " lastIndex=" + storage.lastIndex() + " reason=recovered-commit-beyond-log");
    }
    List<Entry> log = committed.get(group);
    long upTo = Math.min(Math.min(commit, log.size()), storage.lastIndex());
    if (upTo >= storage.firstIndex()) {
      List<Entry> held = storage.entries(storage.firstIndex(), upTo + 1, Long.MAX_VALUE);
      for (Entry e : held) {
        if (!e.equals(log.get((int) e.index() - 1))) {
          throw new SimViolation("node=" + node + " group=" + group + " index=" + e.index() + " recovered=" + e
              + " committed=" + log.get((int) e.index() - 1) + " reason=recovered-log-differs-from-committed");
        }
      }
    }
  }

  /** Entries the driver's applier hands over: contiguous per process, identical across replicas. */
  void applied(int node, int group, List<Entry> entries) {
    List<Entry> log = committed.get(group);
    for (Entry e : entries) {
      if (e.index() != lastApplied[node][group] + 1) {
        throw new SimViolation("node=" + node + " group=" + group + " applied=" + e.index()
            + " lastApplied=" + lastApplied[node][group] + " reason=apply-not-contiguous");
      }
      lastApplied[node][group] = e.index();
      if (e.index() == log.size() + 1) {
        log.add(e);
        long cookie = cookieOf(e);
        Long earlier = cookie < 0 ? null : committedAt.get(group).putIfAbsent(cookie, e.index());
        if (earlier != null) {
          throw new SimViolation("group=" + group + " cookie=" + cookie + " index=" + e.index()
              + " earlierIndex=" + earlier + " reason=payload-committed-twice");
        }
      } else if (!e.equals(log.get((int) e.index() - 1))) {
        throw new SimViolation("node=" + node + " group=" + group + " index=" + e.index() + " applied=" + e
            + " committed=" + log.get((int) e.index() - 1) + " reason=replicas-committed-different-entries");
      }
    }
  }

  /** After each loop of {@code node}: commit monotonic within the process, election safety. */
  void observe(int node, SimGroup group) {
    int g = group.groupId();
    long commit = group.commitIndex();
    if (commit < lastCommit[node][g]) {
      throw new SimViolation("node=" + node + " group=" + g + " commit=" + commit + " before="
          + lastCommit[node][g] + " reason=commit-regressed");
    }
    lastCommit[node][g] = commit;
    if (group.role() == Role.LEADER) {
      Integer other = leaders.get(g).putIfAbsent(group.term(), node);
      if (other != null && other != node) {
        throw new SimViolation("group=" + g + " term=" + group.term() + " leaders=" + other + "," + node
            + " reason=two-leaders-in-one-term");
      }
    }
  }

  /** A completion from a node's real CompletionRegistry. */
  void completed(int node, int incarnation, long cookie, int group, AppendStatus status, long index) {
    completions++;
    if (status != AppendStatus.SUCCESS) {
      failures++;
      return;
    }
    if (index <= lastAck[node][group]) {
      throw new SimViolation("node=" + node + " group=" + group + " cookie=" + cookie + " index=" + index
          + " previousAck=" + lastAck[node][group] + " reason=acks-out-of-index-order");
    }
    lastAck[node][group] = index;
    List<Entry> log = committed.get(group);
    Entry at = index <= log.size() ? log.get((int) index - 1) : null;
    if (at == null || cookieOf(at) != cookie) {
      throw new SimViolation("node=" + node + " incarnation=" + incarnation + " group=" + group + " cookie="
          + cookie + " index=" + index + " committedThere=" + at + " reason=ack-not-at-committed-index");
    }
    Ack ack = new Ack(cookie, group, index, node);
    if (acks.putIfAbsent(cookie, ack) != null) {
      throw new SimViolation("cookie=" + cookie + " first=" + acks.get(cookie) + " again=" + ack + " reason=acked-twice");
    }
    ackOrder.add(ack);
    if (CHECK_AT_ACK) {
      checkMajorityDurable(ack, at.term(), "at-ack");
    }
  }

  private void checkMajorityDurable(Ack ack, long term, String when) {
    int holders = 0;
    StringBuilder who = new StringBuilder();
    for (SimNode replica : replicas) {
      if (replica.durableTerm(ack.group(), ack.index()) == term) {
        holders++;
        who.append(replica.id()).append(' ');
      } else if (replica.repairFloor(ack.group()) >= ack.index()) {
        // lost with damage, but the node neither votes nor campaigns until a leader refilled it past here
        holders++;
        who.append(replica.id()).append("(floor) ");
      }
    }
    if (holders <= nodes / 2) {
      throw new SimViolation("group=" + ack.group() + " index=" + ack.index() + " cookie=" + ack.cookie()
          + " durableOn=[" + who.toString().trim() + "] nodes=" + nodes + " when=" + when
          + " reason=acked-entry-not-durable-on-majority");
    }
  }

  /** After every crash: each acknowledged entry still on a majority of disks (down nodes counted by what they recovered). */
  void checkAcksDurable() {
    for (Ack ack : ackOrder) {
      checkMajorityDurable(ack, committed.get(ack.group()).get((int) ack.index() - 1).term(), "after-crash");
    }
  }

  /**
   * End of run, all nodes up and caught up: every replica's committed log is the committed log, and
   * every acknowledged append is in it exactly once at its acknowledged index.
   */
  void finalCheck() {
    for (int g = 0; g < groups; g++) {
      List<Entry> log = committed.get(g);
      for (SimNode replica : replicas) {
        long commit = replica.group(g).commitIndex();
        if (commit != log.size()) {
          throw new SimViolation("node=" + replica.id() + " group=" + g + " commit=" + commit + " committed="
              + log.size() + " reason=replica-commit-differs-at-end");
        }
        DurableLogStorage storage = replica.storage(g);
        List<Entry> held = commit == 0 ? List.of() : storage.entries(1, commit + 1, Long.MAX_VALUE);
        if (!held.equals(log)) {
          throw new SimViolation("node=" + replica.id() + " group=" + g + " held=" + held.size() + " committed="
              + log.size() + " reason=replica-log-differs-at-end");
        }
      }
      Map<Long, Integer> seen = new HashMap<>();
      for (Entry e : log) {
        seen.merge(cookieOf(e), 1, Integer::sum);
      }
      for (Ack ack : ackOrder) {
        if (ack.group() == g && (seen.getOrDefault(ack.cookie(), 0) != 1
            || cookieOf(log.get((int) ack.index() - 1)) != ack.cookie())) {
          throw new SimViolation("group=" + g + " cookie=" + ack.cookie() + " index=" + ack.index() + " copies="
              + seen.getOrDefault(ack.cookie(), 0) + " reason=acked-append-not-exactly-once-at-its-index");
        }
      }
    }
  }

  long maxAckedIndex(int group) {
    long max = 0;
    for (Ack ack : ackOrder) {
      if (ack.group() == group) {
        max = Math.max(max, ack.index());
      }
    }
    return max;
  }

  int committedSize(int group) {
    return committed.get(group).size();
  }

  long acked() {
    return ackOrder.size();
  }

  long completions() {
    return completions;
  }

  long failures() {
    return failures;
  }
}
