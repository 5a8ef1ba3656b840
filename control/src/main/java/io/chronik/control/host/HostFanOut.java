package io.chronik.control.host;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One task per host, all at once, and a wait for every one of them. A campaign deploys to many VMs, and
 * each host's steps (upload, wipe, start, stop) are mostly waiting on SSH round trips and on the host
 * itself, so doing the hosts one after another costs their sum where the slowest one would do. Every
 * task runs to its end even when another fails: a half-deployed cluster is not left with some hosts
 * still being written to. The first failure (in host order) is thrown; the others ride along as
 * suppressed exceptions.
 */
public final class HostFanOut {
  private HostFanOut() {}

  /** Runs {@code step} for every host concurrently (one thread per host) and returns once all ended. */
  public static void each(List<Host> hosts, String stepName, Consumer<Host> step) {
    if (hosts.size() == 1) {
      step.accept(hosts.get(0));
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, hosts.size()), r -> {
      Thread t = new Thread(r, "hosts-" + stepName);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Host h : hosts) {
        running.add(pool.submit(() -> step.accept(h)));
      }
      RuntimeException first = null;
      for (int i = 0; i < running.size(); i++) {
        RuntimeException failure = outcome(running.get(i), hosts.get(i), stepName);
        if (failure != null && first == null) {
          first = failure;
        } else if (failure != null) {
          first.addSuppressed(failure);
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static RuntimeException outcome(Future<?> task, Host host, String stepName) {
    try {
      task.get();
      return null;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        return re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      return new IllegalStateException("host=" + host.name() + " step=" + stepName + " error=" + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new IllegalStateException("host=" + host.name() + " step=" + stepName + " reason=interrupted", e);
    }
  }
}
