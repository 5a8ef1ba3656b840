package io.chronik.raft.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One node-wide fsync pass over many groups' logs: hand every group's buffered appends to the OS,
 * then force all dirty segment files concurrently (the kernel and device merge concurrent flushes,
 * and the pass costs about one flush latency instead of one per group), then publish each group's
 * durable index. The caller (a single storage thread) owns the logs; only the forces run on the
 * pool's threads.
 */
public final class GroupCommit implements AutoCloseable {
  private final ExecutorService forcers;

  /** @param forceThreads concurrent forces per pass; 1 forces sequentially on the caller's thread */
  public GroupCommit(int forceThreads) {
    this.forcers = forceThreads > 1 ? Executors.newFixedThreadPool(forceThreads, runnable -> {
      Thread thread = new Thread(runnable, "chronik-fsync");
      thread.setDaemon(true);
      return thread;
    }) : null;
  }

  /** One fsync-like call of a pass: a segment file's force or a directory's sync. */
  @FunctionalInterface
  private interface Force {
    void run() throws IOException;
  }

  /**
   * Makes everything appended to {@code logs} durable, including the names of segments created since
   * their last sync; returns the number of files and directories forced.
   */
  public int syncAll(Collection<SegmentedLog> logs) throws IOException {
    List<SegmentedLog> dirty = new ArrayList<>();
    long[] targets = new long[logs.size()];
    List<Force> forces = new ArrayList<>();
    Map<Path, Disk> parents = new LinkedHashMap<>(); // many new groups share one parent: sync it once
    int t = 0;
    for (SegmentedLog log : logs) {
      long target = log.flushForSync();
      targets[t++] = target;
      FileChannel channel = log.unforcedChannel();
      if (channel != null) {
        dirty.add(log);
        forces.add(() -> channel.force(false));
      }
      if (log.directoryUnsynced()) {
        forces.add(log::syncDirectoryIfNeeded);
      }
      for (Path parent : log.takeUnsyncedParents()) {
        parents.putIfAbsent(parent, log.disk);
      }
    }
    parents.forEach((parent, disk) -> forces.add(() -> disk.syncDirectory(parent)));
    forceAll(forces);
    for (SegmentedLog log : dirty) {
      log.forcedActive();
    }
    t = 0;
    for (SegmentedLog log : logs) {
      log.markDurable(targets[t++]);
    }
    return forces.size();
  }

  private void forceAll(List<Force> forces) throws IOException {
    if (forcers == null || forces.size() <= 1) {
      for (Force force : forces) {
        force.run();
      }
      return;
    }
    List<Future<?>> pending = new ArrayList<>(forces.size());
    for (Force force : forces) {
      pending.add(forcers.submit(() -> {
        try {
          force.run();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
    IOException failure = null;
    for (Future<?> future : pending) {
      try {
        future.get();
      } catch (ExecutionException e) {
        failure = failure != null ? failure : new IOException("reason=force-failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure != null ? failure : new IOException("reason=interrupted-during-force", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    if (forcers != null) {
      forcers.shutdownNow();
    }
  }
}
