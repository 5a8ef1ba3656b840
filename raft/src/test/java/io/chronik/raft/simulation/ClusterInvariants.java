package io.chronik.raft.simulation;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import io.chronik.raft.node.Role;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raft's safety properties, checked as the simulation runs (after every event, at every write and
 * apply) and at its end. Each failure names the invariant, the node and the index.
 */
final class ClusterInvariants {

  private record EntryId(long index, long term) {}

  private record Identity(byte[] payload, EntryType type, long prevTerm) {}

  private final ClusterSimulation sim;
  private final SimulatedNode[] nodes;
  private final TreeMap<Long, Integer> leaderOfTerm = new TreeMap<>();
  private final TreeMap<Long, Entry> committed = new TreeMap<>();
  private final TreeMap<Long, Long> committedTerms = new TreeMap<>();
  /** The lowest term of a leader that declared the index committed (Long.MAX_VALUE: seen applied only). */
  private final Map<Long, Long> commitDecisionTerms = new java.util.HashMap<>();
  private final HashMap<EntryId, Identity> seenEntries = new HashMap<>();
  final Map<String, Long> ackedWrites = new HashMap<>();
  long leaderChanges;

  ClusterInvariants(ClusterSimulation sim, SimulatedNode[] nodes) {
    this.sim = sim;
    this.nodes = nodes;
  }

  /**
   * Durability: a commit counts only copies that survive a crash. At each commit decision a quorum
   * of voters (of both halves when joint) must hold the committed entry on their synced disks; an
   * entry still in a node's unsynced write does not count, the leader's own included. A member
   * retired by a disk loss counts with what its disk held when lost: the leader cannot know of the loss
   * and may count acknowledgements it sent before, and that is safe because the member never votes
   * again, so every later electorate is a majority of the other voters and meets the holders among them.
   */
  private void checkCommitDurable(RaftNode leader, Configuration before) {
    long index = leader.commitIndex();
    long term = leader.termAt(index);
    Configuration config = leader.configuration();
    // a configuration takes effect as it commits, so the decision may have been taken under the one before
    if (!config.hasQuorum(v -> durablyHolds(sim.disk(v), index, term))
        && (before == null || !before.hasQuorum(v -> durablyHolds(sim.disk(v), index, term)))) {
      StringBuilder holders = new StringBuilder();
      for (int v : config.voters()) {
        holders.append(' ').append(v).append(durablyHolds(sim.disk(v), index, term) ? "=synced" : "=not-synced");
      }
      sim.fail("commit-not-durable leader=" + leader.id() + " index=" + index + " term=" + term
          + " voters=" + config.voters() + " disks:" + holders + sim.describe());
    }
  }

  private static boolean durablyHolds(MemoryLogStorage disk, long index, long term) {
    if (index <= disk.snapshotMeta().index()) {
      return true; // a snapshot covering it was taken from applied (so committed) state
    }
    return index <= disk.lastIndex() && index >= disk.firstIndex() && disk.term(index) == term;
  }

  /** A follower acknowledges an append only for entries its disk synced (what the leader will count). */
  void checkAckDurable(SimulatedNode node, long index) {
    MemoryLogStorage disk = node.disk;
    if (index > disk.lastIndex() && index > disk.snapshotMeta().index()) {
      sim.fail("ack-not-durable node=" + node.id + " acked=" + index + " syncedLast=" + disk.lastIndex());
    }
  }

  Long committedTerm(long index) {
    return committedTerms.get(index);
  }

  /** The highest index any commit decision or apply named so far (0 if none). */
  long highestCommitted() {
    return committedTerms.isEmpty() ? 0 : committedTerms.lastKey();
  }

  void writeAcknowledged(String op, long index) {
    ackedWrites.put(op, index);
  }

  void checkEveryEvent() {
    for (int id = 1; id <= ClusterSimulation.NODES; id++) {
      SimulatedNode n = nodes[id];
      RaftNode r = n.raft;
      if (r == null) {
        continue;
      }
      if (r.commitIndex() < n.lastCommit) {
        sim.fail("commit-regressed node=" + id + " from=" + n.lastCommit + " to=" + r.commitIndex());
      }
      if (r.role() == Role.LEADER && r.commitIndex() > n.lastCommit) {
        recordLeaderCommit(r, n.lastCommit);
        checkCommitDurable(r, n.lastConfig);
        checkNoElectableNodeLacks(r);
      }
      n.lastCommit = r.commitIndex();
      n.lastConfig = r.configuration();
      if (r.role() == Role.LEADER) {
        Integer prev = leaderOfTerm.putIfAbsent(r.term(), r.id());
        if (prev == null) {
          leaderChanges++;
          checkLeaderCompleteness(r);
        } else if (prev != r.id()) {
          sim.fail("election-safety term=" + r.term() + " leaders=" + prev + "," + r.id());
        }
      }
    }
  }

  /** What a leader declared committed, (from, commit], must agree with every other commit decision. */
  private void recordLeaderCommit(RaftNode leader, long from) {
    for (long i = from + 1; i <= leader.commitIndex(); i++) {
      long t = leader.termAt(i);
      if (t < 0) {
        continue;
      }
      commitDecisionTerms.merge(i, leader.term(), Math::min);
      Long prev = committedTerms.putIfAbsent(i, t);
      if (prev != null && prev != t) {
        sim.fail("commit-conflict leader=" + leader.id() + " index=" + i + " term=" + t + " earlierCommittedTerm=" + prev);
      }
    }
  }

  /**
   * The lemma behind Leader Completeness (§5.4.3): once an entry is committed, no voter lacking it
   * can collect a majority of votes, because its log is less up to date than the log of every voter
   * that stores the entry. Checked at each commit decision, this flags an unsafe commit before any
   * leader actually overwrites it (e.g. Figure 8). A member retired by a disk loss neither stands nor
   * votes again: it is neither a candidate nor an elector here.
   */
  private void checkNoElectableNodeLacks(RaftNode leader) {
    Configuration config = leader.configuration();
    if (config.joint()) {
      return;
    }
    long index = leader.commitIndex();
    long term = leader.termAt(index);
    for (int v : config.voters()) {
      if (sim.retired(v)) {
        continue;
      }
      long[] vLast = lastOf(v);
      if (termIn(v, index) == term || termIn(v, index) == -2) {
        continue; // holds it, or compacted it into a snapshot taken after it was committed locally
      }
      int electors = 0;
      for (int u : config.voters()) {
        if (sim.retired(u)) {
          continue;
        }
        long[] uLast = lastOf(u);
        if (vLast[1] > uLast[1] || (vLast[1] == uLast[1] && vLast[0] >= uLast[0])) {
          electors++;
        }
      }
      if (electors > config.voters().size() / 2) {
        sim.fail("electable-node-lacks-committed-entry leader=" + leader.id() + " index=" + index + " term=" + term
            + " node=" + v + " nodeLast=" + vLast[0] + "/" + vLast[1] + " electors=" + electors + sim.describe());
      }
    }
  }

  /** (lastIndex, lastTerm) of a node: in memory if up, else on its disk. */
  private long[] lastOf(int member) {
    RaftNode r = sim.node(member).raft;
    if (r != null) {
      return new long[] {r.lastIndex(), r.termAt(r.lastIndex())};
    }
    MemoryLogStorage d = sim.node(member).disk;
    return new long[] {d.lastIndex(), d.term(d.lastIndex())};
  }

  /** Term at index on a node, -1 if beyond its log, -2 if compacted. */
  private long termIn(int member, long index) {
    RaftNode r = sim.node(member).raft;
    MemoryLogStorage d = sim.node(member).disk;
    long last = r != null ? r.lastIndex() : d.lastIndex();
    if (index > last) {
      return -1;
    }
    if (index < d.firstIndex() - 1 && (r == null || r.termAt(index) == -1)) {
      return -2;
    }
    return r != null ? r.termAt(index) : d.term(index);
  }

  /**
   * Leader Completeness (§5.4): a new leader of term T holds every entry committed in a term before T.
   * An entry first committed by a leader of term T or later is not owed: a vote granted in an earlier
   * term can arrive, delayed, after a later term's leader committed it.
   */
  private void checkLeaderCompleteness(RaftNode leader) {
    for (Map.Entry<Long, Long> e : committedTerms.entrySet()) {
      long index = e.getKey();
      if (commitDecisionTerms.getOrDefault(index, Long.MAX_VALUE) >= leader.term()) {
        continue;
      }
      long t = leader.termAt(index);
      if (t == -1 && index <= leader.lastIndex()) {
        continue; // compacted into the leader's snapshot, which covers it
      }
      if (t != e.getValue()) {
        sim.fail("leader-completeness leader=" + leader.id() + " term=" + leader.term() + " index=" + index
            + " committedTerm=" + e.getValue() + " leaderTerm=" + t);
      }
    }
  }

  /** Log Matching (§5.3), checked inductively on every persisted entry: same (index, term) ⇒ same entry and same predecessor term. */
  void checkPersisted(int node, Entry e, long prevTerm) {
    Identity id = new Identity(e.payload(), e.type(), prevTerm);
    Identity seen = seenEntries.putIfAbsent(new EntryId(e.index(), e.term()), id);
    if (seen != null && (seen.prevTerm() != prevTerm || seen.type() != e.type() || !Arrays.equals(seen.payload(), e.payload()))) {
      sim.fail("log-matching node=" + node + " index=" + e.index() + " term=" + e.term() + " prevTerm=" + prevTerm
          + " seenPrevTerm=" + seen.prevTerm());
    }
  }

  /** State Machine Safety (§5.4.3): no two nodes apply different entries at one index. */
  void checkApplied(int node, Entry e) {
    Long committedTerm = committedTerms.putIfAbsent(e.index(), e.term());
    if (committedTerm != null && committedTerm != e.term()) {
      sim.fail("state-machine-safety node=" + node + " index=" + e.index() + " appliedTerm=" + e.term()
          + " committedTerm=" + committedTerm);
    }
    Entry prev = committed.putIfAbsent(e.index(), e);
    if (prev != null && !prev.equals(e)) {
      sim.fail("state-machine-safety node=" + node + " index=" + e.index() + " applied=" + e + " other=" + prev);
    }
  }

  void checkFinal() {
    // acknowledged writes are committed at the index they were acknowledged for, on every live member
    for (Map.Entry<String, Long> w : ackedWrites.entrySet()) {
      Entry e = committed.get(w.getValue());
      if (e == null || KvStore.opKey(e.payload()) == null || !KvStore.opKey(e.payload()).equals(w.getKey())) {
        sim.fail("acked-write-lost op=" + w.getKey() + " index=" + w.getValue());
      }
    }
    RaftNode leader = sim.anyLeader();
    for (int member : leader.configuration().members()) {
      RaftNode r = sim.node(member).raft; // converged: no retired member is left
      for (long i = Math.max(1, leader.commitIndex() - 200); i <= leader.commitIndex(); i++) {
        long t = r.termAt(i);
        if (t != -1 && committed.containsKey(i) && committed.get(i).term() != t) {
          sim.fail("final-log-divergence node=" + member + " index=" + i);
        }
      }
    }
  }
}
