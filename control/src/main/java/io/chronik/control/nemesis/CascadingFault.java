package io.chronik.control.nemesis;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Cascading failure: nodes are killed (-9) one by one, a pause apart, until the cluster has lost
 * its quorum (⌊n/2⌋+1 nodes down); healing restarts them one by one in the same order. Each step
 * gives the survivors time to elect and serve in between, as a real cascade does.
 */
public final class CascadingFault implements Fault {
  private final Duration step;

  /** {@code step}: time between two kills and between two restarts. */
  public CascadingFault(Duration step) {
    this.step = step;
  }

  @Override
  public String name() {
    return "cascading";
  }

  @Override
  public String help() {
    return "kill -9 nodes one by one until quorum is lost (n/2+1 down), then restart them one by one";
  }

  @Override
  public Set<Site> sites() {
    return Set.of(Site.LOCAL, Site.LAB, Site.VMS);
  }

  @Override
  public Injection pick(Draw draw) {
    return Injection.of(draw.shuffled().subList(0, Draw.majority(draw.nodes().size())));
  }

  @Override
  public String start(Injection injection, Testbed bed) {
    for (int i = 0; i < injection.targets().size(); i++) {
      pauseBetween(i);
      bed.kill(injection.targets().get(i));
    }
    return "killed-in-order=" + injection.targets();
  }

  @Override
  public String heal(Injection injection, Testbed bed) {
    for (int i = 0; i < injection.targets().size(); i++) {
      pauseBetween(i);
      bed.start(injection.targets().get(i));
    }
    return "started-in-order=" + injection.targets();
  }

  private void pauseBetween(int index) {
    if (index == 0 || step.isZero()) {
      return;
    }
    try {
      TimeUnit.MILLISECONDS.sleep(step.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("fault=cascading reason=interrupted", e);
    }
  }
}
