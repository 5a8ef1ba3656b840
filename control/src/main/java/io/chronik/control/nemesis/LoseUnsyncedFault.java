package io.chronik.control.nemesis;

import java.util.List;
import java.util.Set;

/**
 * A power cut: the node's broker is killed with SIGKILL and its data directory loses every change it
 * had not fsynced (file bytes not followed by an fsync of the file; creations, renames and
 * truncations not followed by an fsync of the directory), then it restarts from what is left. kill -9
 * alone keeps the page cache, so it cannot lose an acknowledged but unsynced write; this can. On lab
 * hosts each broker's data dir sits on {@code chronik lazyfs} when this fault is selected.
 */
public final class LoseUnsyncedFault implements Fault {
  private final ProcessFault.Scope scope;

  public LoseUnsyncedFault(ProcessFault.Scope scope) {
    if (scope != ProcessFault.Scope.ONE && scope != ProcessFault.Scope.ALL) {
      throw new IllegalArgumentException("scope=" + scope + " reason=lose-unsynced-is-one-or-all");
    }
    this.scope = scope;
  }

  @Override
  public String name() {
    return scope == ProcessFault.Scope.ONE ? "lose-unsynced" : "lose-unsynced-all";
  }

  @Override
  public String help() {
    return (scope == ProcessFault.Scope.ONE ? "one node" : "every node at once")
        + ": power cut — kill -9 and every unfsynced write, creation, rename and truncation of its data dir lost "
        + "(lazyfs), restarted when healed";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LAB);
  }

  @Override
  public boolean needsLazyDataDir() {
    return true;
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(draw.shuffled().subList(0, scope.size(draw.nodes().size())));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    List<String> dropped = new java.util.ArrayList<>();
    for (String node : injection.targets()) {
      dropped.add(node + ":" + bed.loseUnsynced(node));
    }
    return "lost-unsynced=" + dropped;
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    for (String node : injection.targets()) {
      bed.start(node);
    }
    return "started=" + injection.targets();
  }
}
