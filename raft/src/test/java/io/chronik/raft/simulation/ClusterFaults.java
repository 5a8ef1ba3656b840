package io.chronik.raft.simulation;

import io.chronik.raft.node.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The swarm's faults, one every so often during the fault phase, drawn from the seed's main random stream
 * by the seed's weights ({@link SwarmProfile}): partitions, one-way cuts, heals, crashes (leaders
 * preferred), restarts, network condition changes, membership changes and leadership transfers; or, on
 * the Figure 8 seeds, the mix aimed at Raft §5.4.2. Disk losses run on their own stream ({@link DiskLoss}).
 */
final class ClusterFaults {

  private static final int NODES = ClusterSimulation.NODES;

  private final ClusterSimulation sim;
  private final SimulatedNetwork network;
  private final SplittableRandom rnd;
  private final boolean figure8;

  ClusterFaults(ClusterSimulation sim, SimulatedNetwork network, boolean figure8) {
    this.sim = sim;
    this.network = network;
    this.rnd = sim.rnd();
    this.figure8 = figure8;
  }

  void fault() {
    if (!sim.faulting()) {
      return;
    }
    if (figure8) {
      figure8Fault();
      sim.at(sim.now() + 20 + rnd.nextInt(230), this::fault);
      return;
    }
    switch (sim.profile().pickFault(rnd)) {
      case "partition" -> network.partitionRandomly(rnd);
      case "oneway" -> network.cutOneWay(1 + rnd.nextInt(NODES), 1 + rnd.nextInt(NODES));
      case "heal" -> network.heal();
      case "crash" -> {
        RaftNode leader = sim.anyLeader();
        SimulatedNode n = leader != null && rnd.nextBoolean() ? sim.node(leader.id())
            : sim.host(1 + rnd.nextInt(NODES));
        if (n.up()) {
          n.crash("fault"); // leaders crash often: that is where commit and election bugs surface
        }
      }
      case "restart" -> {
        for (int id = 1; id <= NODES; id++) {
          if (!sim.host(id).up()) {
            sim.host(id).start();
            break;
          }
        }
      }
      case "net" -> network.changeConditions(rnd);
      case "membership" -> changeMembership();
      default -> {
        RaftNode leader = sim.anyLeader();
        if (leader != null) {
          List<Integer> voters = new ArrayList<>(leader.configuration().voters());
          int target = voters.get(rnd.nextInt(voters.size()));
          sim.node(leader.id()).submit(() -> leader.transferLeadership(target));
        }
      }
    }
    sim.at(sim.now() + 1 + rnd.nextInt(sim.profile().faultGapMs()), this::fault);
  }

  /**
   * The Figure 8 mix (Raft §5.4.2): leaders crash soon after they start replicating, so entries of a term
   * sit on a minority; stale nodes restart and can win a later term, then push those older-term entries
   * to a majority; short partitions cut a leader off with one follower so another term's entries pile up
   * elsewhere. No membership changes or transfers: the voter set stays at five. At most two nodes are
   * down, so a majority can always elect and commit between the crashes.
   */
  private void figure8Fault() {
    int pick = rnd.nextInt(100);
    RaftNode leader = sim.anyLeader();
    List<Integer> down = new ArrayList<>();
    for (int id = 1; id <= NODES; id++) {
      if (!sim.host(id).up()) {
        down.add(id);
      }
    }
    if (pick < 40) {
      if (leader != null && down.size() < 2) {
        // crash it a few ms later: after it appended client proposals, before all followers have them
        SimulatedNode n = sim.node(leader.id());
        int inc = n.incarnation;
        sim.at(sim.now() + 1 + rnd.nextInt(15), () -> {
          if (sim.faulting() && n.incarnation == inc && n.raft != null) { // never after heal()
            n.crash("fault");
          }
        });
      }
    } else if (pick < 75) {
      if (!down.isEmpty()) {
        sim.host(down.get(rnd.nextInt(down.size()))).start();
      }
    } else if (pick < 90) {
      if (leader != null) {
        network.isolateWithOne(sim.keys().host(leader.id()), rnd);
      }
    } else {
      network.heal();
    }
  }

  private void changeMembership() {
    RaftNode leader = sim.anyLeader();
    if (leader == null) {
      return;
    }
    TreeSet<Integer> voters = new TreeSet<>();
    TreeSet<Integer> learners = new TreeSet<>();
    int size = rnd.nextInt(100) < sim.profile().singleVoterPct() ? 1 : (rnd.nextBoolean() ? 3 : 5);
    List<Integer> ids = new ArrayList<>(); // the members the nodes run now: never a retired one
    for (int id = 1; id <= NODES; id++) {
      ids.add(sim.host(id).member);
    }
    for (int i = 0; i < size; i++) {
      voters.add(ids.remove(rnd.nextInt(ids.size())));
    }
    for (int id : ids) {
      if (rnd.nextBoolean()) {
        learners.add(id);
      }
    }
    // the core promotes only learners that hold every commit: newcomers join as learners first
    var current = leader.configuration();
    TreeSet<Integer> newcomers = new TreeSet<>(voters);
    newcomers.removeIf(id -> current.isVoter(id) || current.learners().contains(id));
    if (!newcomers.isEmpty()) {
      voters.clear();
      voters.addAll(current.voters());
      learners.addAll(newcomers);
      learners.removeAll(voters);
    }
    sim.proposeMembership(leader, voters, learners);
  }
}
