package io.chronik.control.nemesis;

import java.util.List;
import java.util.Set;

/**
 * A rolling restart as an operator does it (docs/OPERATIONS.md "Graceful shutdown"): every node in
 * turn, in a drawn order, is stopped gracefully (SIGTERM: it hands off its leaderships and exits), started
 * on its data, and the next one goes only once every node answers ready. The cluster never loses a
 * quorum, so the run must see no error a client's retries cannot hide. Healing has nothing to undo.
 */
public final class RollingRestartFault implements Fault {
  @Override
  public String name() {
    return "rolling-restart";
  }

  @Override
  public String help() {
    return "every node in turn: graceful stop (leadership handed off), start on its data, wait until all are ready";
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
  public Injection pick(Draw draw) {
    return Injection.of(draw.shuffled());
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    List<String> order = injection.targets();
    for (String node : order) {
      bed.stop(node);
      bed.start(node);
      for (String other : order) {
        bed.awaitReady(other);
      }
    }
    return "restarted-in-order=" + order;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    return "nothing-to-heal restarted=" + injection.targets();
  }
}
