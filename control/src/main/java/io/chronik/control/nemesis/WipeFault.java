package io.chronik.control.nemesis;

import java.util.Set;

/**
 * kill -9 of one node, its data deleted, restarted empty. On a lone broker this loses acknowledged
 * writes and must be judged invalid: it exists to prove end to end that the checker reports loss
 * (on a replicated cluster the peers re-replicate to the wiped node). Local processes only.
 */
public final class WipeFault implements Fault {
  @Override
  public String name() {
    return "wipe";
  }

  @Override
  public String help() {
    return "kill -9 one node, delete its data, restart it empty (a lone broker must be judged invalid)";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL);
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
