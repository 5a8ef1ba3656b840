package io.chronik.raft.simulation;

import io.chronik.raft.log.MemoryLogStorage;
import io.chronik.raft.membership.Configuration;
import io.chronik.raft.node.RaftNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The disk-loss fault (issue #15): a node crashes and its storage (log, hard state, snapshot) is
 * replaced by an empty one, as a failed and replaced disk or a reformatted data directory leaves it.
 * Raft's safety rests on what that disk held (the vote cast in a term, the entries acknowledged), so
 * how the node comes back decides whether the cluster stays safe ({@link Rejoin}).
 *
 * <p><b>At most one loss is un-replaced at a time</b>, and none that would leave a voter set of some
 * configuration without a majority of members that kept their data ({@link #mayLose}): a sole voter, one
 * of two, or a second one of three while the first still stands in some node's configuration. While a
 * loss is un-replaced its old identity is a voter that never answers; losing more than a minority of a
 * voter set takes away data, or every quorum, a majority held, and no protocol survives that.
 *
 * <p>Disk losses draw from their own seed-derived random stream and run on half of the seeds outside
 * the Figure 8 profile ({@link #runsOn}; 3 seeds in 8), so every other seed draws exactly what it drew
 * before the fault existed ({@code -Dsim.diskLoss=off}: every seed).
 */
final class DiskLoss {

  /** How a node whose disk was lost rejoins. */
  enum Rejoin {
    /** No disk losses. */
    OFF,
    /**
     * KIP-853: the wiped node formats a new directory, so it is a new replica (node id, new directory id)
     * and a new Raft member ({@link ReplicaKeys}); its old member never answers again. The cluster adds
     * the new member as a learner, promotes it once caught up (the core refuses a voter that is not a
     * caught-up learner) and removes the old one, by ordinary membership changes. Until then the wiped
     * node never votes or counts toward a quorum.
     */
    SAFE,
    /**
     * A planted hazard, never in the normal swarm: the wiped node restarts under its old identity as a
     * voter with empty state (what a broker that identifies replicas by node id alone does). It may vote
     * twice in a term and count toward quorums it no longer holds.
     */
    UNSAFE;

    static Rejoin fromProperty() {
      return valueOf(System.getProperty("sim.diskLoss", "safe").toUpperCase(Locale.ROOT));
    }
  }

  /** A loss not yet replaced: the node, the member id its lost directory had, the highest commit then. */
  private record Loss(int node, int oldMember, long committedAtLoss) {}

  private record Proposal(long index, long term, SortedSet<Integer> voters) {}

  private static final long STREAM = 0x6469736b4c6f7373L; // "diskLoss": its own stream per seed
  private static final int REPLACE_EVERY_MS = 20;

  private final ClusterSimulation sim;
  private final Rejoin rejoin;
  private final SplittableRandom rnd;
  private final boolean active;
  private final int gapMs;
  private final ReplicaKeys keys;
  /** What each retired member's disk held when it was lost: the promises it made, which it never breaks. */
  private final Map<Integer, MemoryLogStorage> retiredDisks = new HashMap<>();
  /** Membership changes leaders accepted, for {@link #mayLose}. */
  private final List<Proposal> proposals = new ArrayList<>();
  private Loss pending;
  private long losses;
  private long replaced;

  DiskLoss(ClusterSimulation sim, long seed, Rejoin rejoin, boolean figure8, int nodes) {
    this.sim = sim;
    this.rejoin = rejoin;
    this.rnd = new SplittableRandom(seed ^ STREAM);
    this.active = rejoin != Rejoin.OFF && !figure8 && runsOn(rnd);
    this.gapMs = 200 + rnd.nextInt(1_000);
    long[] directories = new long[nodes + 1];
    for (int node = 1; node <= nodes; node++) {
      directories[node] = rnd.nextLong();
    }
    this.keys = new ReplicaKeys(directories);
  }

  private static boolean runsOn(SplittableRandom rnd) {
    return rnd.nextBoolean();
  }

  /** Whether this seed loses disks (the failure line names the rejoin mode then). */
  boolean active() {
    return active;
  }

  Rejoin rejoin() {
    return rejoin;
  }

  ReplicaKeys keys() {
    return keys;
  }

  long losses() {
    return losses;
  }

  long replaced() {
    return replaced;
  }

  /** The disk a retired member held when it was lost (what it promised), or an empty one. */
  MemoryLogStorage retiredDisk(int member) {
    return retiredDisks.getOrDefault(member, new MemoryLogStorage());
  }

  boolean retired(int member) {
    return retiredDisks.containsKey(member);
  }

  void start() {
    if (active) {
      sim.at(300 + rnd.nextInt(1_200), this::strike);
    }
  }

  private void strike() {
    if (!sim.faulting()) {
      return;
    }
    if (pending == null) {
      RaftNode leader = sim.anyLeader();
      int node = leader != null && rnd.nextBoolean() ? sim.keys().host(leader.id())
          : 1 + rnd.nextInt(ClusterSimulation.NODES);
      if (mayLose(sim.host(node).member)) {
        lose(sim.host(node));
      }
    }
    sim.at(sim.now() + 1 + rnd.nextInt(gapMs), this::strike);
  }

  /**
   * A loss may not leave any voter set that is or may become a half of the configuration without a
   * majority of members that kept their data (retired members count as lost): every node's configuration
   * (a node that has not learnt of a later change still elects and commits under its own, so a member
   * retired and replaced in the leader's configuration may still stand in it), a proposed change not yet
   * committed or overwritten (it may still take effect), and the two last committed ones.
   */
  private boolean mayLose(int member) {
    for (int node = 1; node <= ClusterSimulation.NODES; node++) {
      Configuration c = configurationOf(sim.host(node));
      if (losesMajority(c.voters(), member) || losesMajority(c.outgoing(), member)) {
        return false;
      }
    }
    Proposal last = null;
    Proposal beforeLast = null;
    for (Iterator<Proposal> it = proposals.iterator(); it.hasNext(); ) {
      Proposal p = it.next();
      Long term = sim.committedTerm(p.index());
      if (term == null) {
        if (losesMajority(p.voters(), member)) {
          return false;
        }
      } else if (term != p.term()) {
        it.remove(); // overwritten: it never takes effect
      } else {
        beforeLast = last;
        last = p; // proposals are recorded in index order within a term, and terms only grow
      }
    }
    return !(last != null && losesMajority(last.voters(), member))
        && !(beforeLast != null && losesMajority(beforeLast.voters(), member));
  }

  private boolean losesMajority(SortedSet<Integer> voters, int member) {
    if (!voters.contains(member)) {
      return false;
    }
    int lost = 1;
    for (int v : voters) {
      if (v != member && retiredDisks.containsKey(v)) {
        lost++;
      }
    }
    return voters.size() - lost <= voters.size() / 2;
  }

  /** A node's configuration: in memory if it runs, else the one it will restart with from its disk. */
  private Configuration configurationOf(SimulatedNode n) {
    if (n.raft != null) {
      return n.raft.configuration();
    }
    // reading storage only; its own random source leaves the seed's streams untouched
    return new RaftNode(n.member, n.disk, sim.initial(), sim.options(), new SplittableRandom(0)).configuration();
  }

  /** A membership change a leader accepted: an ENTER_JOINT toward {@code voters} (or learners only). */
  void proposed(long index, long term, SortedSet<Integer> voters) {
    if (active) {
      proposals.add(new Proposal(index, term, new TreeSet<>(voters)));
    }
  }

  private void lose(SimulatedNode n) {
    if (n.up()) {
      n.crash("disk-loss");
    }
    int old = n.member;
    long directory = rnd.nextLong();
    // SAFE: the empty data directory is formatted with a new directory id, a new replica the metadata
    // group registers; UNSAFE: the node keeps answering as the member its node id names
    int fresh = rejoin == Rejoin.SAFE ? keys.register(new ReplicaKeys.ReplicaKey(n.id, directory)) : old;
    MemoryLogStorage lost = n.wipe(fresh);
    if (rejoin == Rejoin.SAFE) {
      retiredDisks.put(old, lost);
    }
    pending = new Loss(n.id, old, sim.highestCommitted());
    losses++;
    sim.trace(n.id, () -> "disk lost: member " + old + " -> " + fresh + " (directory " + Long.toHexString(directory)
        + ", rejoin " + rejoin + ")");
    int inc = n.incarnation;
    sim.at(sim.now() + 20 + rnd.nextInt(280), () -> {
      if (!n.up() && n.incarnation == inc) {
        n.start();
      }
    });
    sim.at(sim.now() + REPLACE_EVERY_MS, this::replace);
  }

  /**
   * The operator's (or controller's) loop while a loss is un-replaced, run during the heal phase too.
   * SAFE: one membership step at a time toward "the new member holds the old one's place". UNSAFE:
   * nothing to replace; the loss counts as over once the node's disk again holds the highest entry any
   * leader had committed when it was lost.
   */
  private void replace() {
    if (pending == null) {
      return;
    }
    SimulatedNode n = sim.host(pending.node());
    if (rejoin == Rejoin.UNSAFE) {
      long index = pending.committedAtLoss();
      Long term = sim.committedTerm(index);
      MemoryLogStorage disk = n.disk;
      boolean holds = index <= disk.snapshotMeta().index()
          || (index <= disk.lastIndex() && index >= disk.firstIndex() && term != null && disk.term(index) == term);
      if (n.up() && holds) {
        pending = null;
        replaced++;
        return;
      }
    } else {
      RaftNode leader = sim.anyLeader();
      // a leader's configuration is the current one once it committed an entry of its own term
      if (leader != null && leader.termAt(leader.commitIndex()) == leader.term() && !leader.configuration().joint()) {
        step(leader, pending.oldMember(), n.member);
      }
    }
    if (pending != null) {
      sim.at(sim.now() + REPLACE_EVERY_MS, this::replace);
    }
  }

  private void step(RaftNode leader, int old, int fresh) {
    Configuration c = leader.configuration();
    if (!c.members().contains(old)) {
      if (leader.lastIndex() != leader.commitIndex()) {
        return; // an entry beyond the commit may be a change naming the old member: wait until it is settled
      }
      sim.trace(pending.node(), () -> "disk loss replaced: member " + old + " out, new member " + fresh + "; " + c);
      pending = null;
      replaced++;
      return;
    }
    SortedSet<Integer> voters = new TreeSet<>(c.voters());
    SortedSet<Integer> learners = new TreeSet<>(c.learners());
    if (!c.members().contains(fresh)) {
      learners.add(fresh); // first a learner: it holds nothing yet
    } else if (c.isVoter(old)) {
      voters.remove(old);
      if (learners.remove(fresh)) {
        voters.add(fresh); // refused by the core until the learner holds every commit
      }
    } else {
      learners.remove(old);
    }
    sim.proposeMembership(leader, voters, learners);
  }
}
