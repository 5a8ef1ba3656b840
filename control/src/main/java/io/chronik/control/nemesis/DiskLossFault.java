package io.chronik.control.nemesis;

import java.util.List;
import java.util.Set;

/**
 * {@code disk-loss}: one node of a replicated cluster loses its disk and comes back at once, as after a
 * disk replacement. The start kills its broker (kill -9), deletes its whole data dir — {@code meta.properties}
 * too, so it starts with a new directory id — and starts it on the empty dir; the heal waits until every node
 * answers ready on its admin {@code /ready}, which a wiped node does only once it has rejoined (removed from
 * and re-added to each Raft group it was in, caught up, promoted). Nothing acknowledged may be lost.
 *
 * <p>A second lost disk, or a node killed or cut off, before the first has rejoined is beyond what a
 * replication factor of 3 tolerates, so the fault is {@link #exclusive()}, and its start refuses (recorded
 * as an error, nothing touched) unless every node answers ready first — also when an earlier fault's heal
 * gave up. The heal starts the node again first, a no-op unless the start failed after the wipe.
 */
public final class DiskLossFault implements Fault {
  @Override
  public String name() {
    return "disk-loss";
  }

  @Override
  public String help() {
    return "once every node is ready: kill -9 one node, delete its whole data dir (a new directory id) and start it "
        + "at once; healed when every node answers ready again (the wiped node rejoined and caught up; n >= 3)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL, Site.LAB, Site.VMS);
  }

  @Override
  public String chronikOnlyBecause() {
    return "waits-on-chronik-admin-ready-port-9644";
  }

  @Override
  public boolean exclusive() {
    return true;
  }

  /** A majority must keep the data while one node has none: 3 nodes at least. */
  @Override
  public int minNodes() {
    return 3;
  }

  /** The node to wipe; every node, in cluster order, as the arrangement whose readiness start and heal wait on. */
  @Override
  public Injection pick(Draw draw) {
    return new Injection(draw.shuffled().subList(0, 1), "", draw.nodes());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    String node = injection.targets().get(0);
    List<String> nodes = injection.arrangement();
    awaitAllReady(bed, nodes, "node=" + node + " reason=cluster-not-ready-before-disk-loss action=nothing-done");
    bed.kill(node);
    bed.wipe(node);
    bed.start(node);
    return "killed-wiped-started=" + node + " ready-before=" + nodes;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    String node = injection.targets().get(0);
    List<String> nodes = injection.arrangement();
    bed.start(node);
    awaitAllReady(bed, nodes, "node=" + node + " reason=not-all-ready-after-disk-loss");
    return "rejoined=" + node + " ready=" + nodes;
  }

  /** Every node answers ready, or the fault fails with {@code refusal} and the first node's error. */
  private static void awaitAllReady(Testbed bed, List<String> nodes, String refusal) {
    try {
      nodes.forEach(bed::awaitReady);
    } catch (RuntimeException e) {
      throw new IllegalStateException(refusal + " error=" + e.getMessage(), e);
    }
  }
}
