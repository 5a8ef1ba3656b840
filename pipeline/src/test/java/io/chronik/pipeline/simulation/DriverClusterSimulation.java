package io.chronik.pipeline.simulation;

import io.chronik.pipeline.driver.DetachedProposal;
import io.chronik.raft.node.Role;

/**
 * One seeded, single-threaded run of a whole cluster of production nodes: each node is a real
 * {@code RaftDriver} with {@code RaftNodeGroup}s over {@code DurableLogStorage} on its own
 * {@code SimulatedDisk} (see {@link SimNode}), driven by the shared {@link ClusterEventLoop}, with
 * clients proposing batches of unique payloads to the node they believe leads a group.
 *
 * <p>A run is a chaos phase (faults drawn by the seed's {@link SwarmParams}) followed by a healing
 * phase (every node up, a reliable network, no proposals) that must reach quiet: one leader per group
 * and every replica committed and applied to the same index. Then the {@link ClientOracle}'s final
 * check runs; the oracle also checks invariants at every event.
 */
final class DriverClusterSimulation extends ClusterEventLoop<SimNode, SwarmParams> {
  /** Longest the healing phase may take to converge, in ticks: many election timeouts. */
  private static final int HEAL_TICKS = 1500;

  /** What a finished run measured (for the test's report). */
  record Result(long seed, long nodeEvents, long acked, long completions, long crashes, long powerCuts,
      long partitions, long messages, long simulatedTicks, long bitFlips) {}

  private final ClientOracle oracle;
  private long nextCookie = 1;

  DriverClusterSimulation(long seed) {
    super(seed, SwarmParams::draw, HEAL_TICKS);
    this.oracle = new ClientOracle(swarm.nodes(), swarm.groups());
    for (int n = 0; n < swarm.nodes(); n++) {
      nodes.add(new SimNode(n, swarm, seed, oracle, trace, network, () -> now));
    }
    oracle.replicas(nodes);
  }

  /** Runs one seed (the mutation harness's entry): see {@link ClusterEventLoop#failureOf}. */
  public static String failureOf(long seed) {
    DriverClusterSimulation simulation = new DriverClusterSimulation(seed);
    return ClusterEventLoop.failureOf(seed, simulation, simulation::run);
  }

  Result run() {
    runPhases();
    oracle.finalCheck();
    return new Result(seed, nodeEvents, oracle.acked(), oracle.completions(), crashes, powerCuts, partitions,
        network.sent(), now / SwarmBasics.TICK, bitFlips);
  }

  @Override
  protected void crashed(SimNode node) {
    oracle.checkAcksDurable();
  }

  /** A client sends a batch to the node it believes leads the group (sometimes to any node). */
  @Override
  protected void clientStep() {
    if (!chaos) {
      return;
    }
    int group = random.nextInt(swarm.groups());
    SimNode target = random.nextInt(8) == 0 ? nodes.get(random.nextInt(nodes.size())) : believedLeader(group);
    if (target == null || !target.up()) {
      return;
    }
    int[] padding = new int[1 + random.nextInt(4)];
    for (int i = 0; i < padding.length; i++) {
      padding[i] = random.nextInt(200);
    }
    long first = nextCookie;
    nextCookie += padding.length;
    ClientBatch batch = new ClientBatch(group, first, padding, target.callback());
    boolean offered = target.offerProposal(DetachedProposal.copyOf(batch));
    trace.record(now, target.id(), "propose", "group=" + group + " cookies=" + first + ".." + (nextCookie - 1)
        + " offered=" + offered);
  }

  /** The up node whose group claims leadership in the highest term, or null. */
  private SimNode believedLeader(int group) {
    SimNode best = null;
    for (SimNode node : nodes) {
      if (node.up() && node.group(group).roleHint() == Role.LEADER
          && (best == null || node.group(group).term() > best.group(group).term())) {
        best = node;
      }
    }
    return best;
  }

  /** One leader per group that every replica follows, all committed and applied to its last index. */
  @Override
  protected long progress() {
    long applied = 0;
    for (SimNode node : nodes) {
      for (int g = 0; g < swarm.groups(); g++) {
        applied += node.up() ? node.group(g).appliedIndex() : 0;
      }
    }
    return applied;
  }

  @Override
  protected boolean quiet() {
    for (int g = 0; g < swarm.groups(); g++) {
      SimNode leader = null;
      for (SimNode node : nodes) {
        if (!node.up()) {
          return false;
        }
        if (node.group(g).role() == Role.LEADER) {
          leader = node;
        }
      }
      if (leader == null) {
        return false;
      }
      long last = leader.group(g).lastIndex();
      if (oracle.committedSize(g) != last || oracle.maxAckedIndex(g) > last) {
        return false;
      }
      for (SimNode node : nodes) {
        SimGroup group = node.group(g);
        if (group.commitIndex() != last || group.appliedIndex() != last || group.term() != leader.group(g).term()) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  protected String describe() {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < swarm.groups(); g++) {
      sb.append(" g").append(g).append(':');
      for (SimNode node : nodes) {
        if (!node.up()) {
          sb.append(" n").append(node.id()).append("=down");
          continue;
        }
        SimGroup group = node.group(g);
        sb.append(" n").append(node.id()).append('=').append(group.role()).append("/t").append(group.term())
            .append("/c").append(group.commitIndex()).append("/a").append(group.appliedIndex())
            .append("/l").append(group.lastIndex());
      }
    }
    return sb.toString().trim();
  }
}
