package io.chronik.control.cluster;

import io.chronik.control.host.ReadyProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A rolling restart of a local cluster: one node at a time, a graceful stop (SIGTERM: the broker hands
 * the leadership of every group it leads to an up-to-date follower, then exits), a start on the same
 * data, and a wait until every node's admin {@code /ready} answers 200 (each hosted partition led, none
 * catching up) before the next node goes. Never more than one node is down, and the next one stops only
 * once the cluster has healed, so every group keeps a quorum of caught-up replicas throughout.
 */
public final class RollingRestart {
  /** One node's restart: how long its stop and start took, and then how long until every node was ready. */
  public record Step(int node, long restartMs, long readyMs) {
    @Override
    public String toString() {
      return "node=" + node + " restartMs=" + restartMs + " readyMs=" + readyMs;
    }
  }

  private RollingRestart() {}

  /**
   * Restarts {@code nodes} in order; {@code progress} hears of each step as it completes. {@code mayStop}
   * is asked before each stop and throws {@link ClusterException} to refuse it (a node whose stop would
   * take a group below its quorum).
   */
  public static List<Step> run(LocalCluster cluster, List<Integer> nodes, Duration readyTimeout,
      java.util.function.IntConsumer mayStop, Consumer<Step> progress) throws IOException, InterruptedException {
    List<Step> steps = new ArrayList<>();
    for (int node : nodes) {
      mayStop.accept(node);
      long start = System.nanoTime();
      cluster.restart(node);
      long restarted = System.nanoTime();
      for (int i = 0; i < cluster.size(); i++) {
        awaitReady(cluster, i, restarted + readyTimeout.toNanos());
      }
      Step step = new Step(node, TimeUnit.NANOSECONDS.toMillis(restarted - start),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
      steps.add(step);
      progress.accept(step);
    }
    return steps;
  }

  private static void awaitReady(LocalCluster cluster, int node, long deadlineNanos) throws InterruptedException {
    try {
      ReadyProbe.awaitLoopback(cluster.adminPort(node), Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    } catch (IllegalStateException e) {
      throw new ClusterException("node=" + node + " " + e.getMessage());
    }
  }
}
