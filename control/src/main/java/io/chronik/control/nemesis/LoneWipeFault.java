package io.chronik.control.nemesis;

import java.util.Set;

/**
 * {@code wipe-lone-broker}: kill -9 of a lone broker, its data deleted, restarted empty. This loses
 * acknowledged writes and must be judged invalid: it exists to prove end to end that the checker reports
 * loss. A lone broker only (a replicated cluster loses a node's disk with {@link DiskLossFault}, which
 * waits for the node to rejoin); local processes only.
 */
public final class LoneWipeFault implements Fault {
  @Override
  public String name() {
    return "wipe-lone-broker";
  }

  @Override
  public String help() {
    return "a lone broker (--nodes 1): kill -9, delete its data, restart it empty; the run must be judged invalid "
        + "(proves the checker reports loss; a replicated cluster loses a disk with disk-loss)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL);
  }

  @Override
  public boolean exclusive() {
    return true;
  }

  /** Refused on more than one node: there the same deletion is disk-loss, which must be judged valid. */
  @Override
  public String problem(Draw draw) {
    return draw.nodes().size() == 1 ? null
        : "fault=" + name() + " nodes=" + draw.nodes().size() + " reason=lone-broker-only use=disk-loss";
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(draw.shuffled().subList(0, 1));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    String node = injection.targets().get(0);
    bed.kill(node);
    bed.wipe(node);
    return "killed-and-wiped=" + node;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    bed.start(injection.targets().get(0));
    return "started-empty=" + injection.targets();
  }
}
