package io.chronik.raft.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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

  /** Makes everything appended to {@code logs} durable; returns the number of files forced. */
  public int syncAll(Collection<SegmentedLog> logs) throws IOException {
    List<SegmentedLog> dirty = new ArrayList<>();
    long[] targets = new long[logs.size()];
    List<FileChannel> channels = new ArrayList<>();
    for (SegmentedLog log : logs) {
      long target = log.flushForSync();
      FileChannel channel = log.unforcedChannel();
      if (channel != null) {
        targets[dirty.size()] = target;
        dirty.add(log);
        channels.add(channel);
      } else {
        log.markDurable(target);
      }
    }
    forceAll(channels);
    for (int i = 0; i < dirty.size(); i++) {
      dirty.get(i).forcedActive();
      dirty.get(i).markDurable(targets[i]);
    }
    return channels.size();
  }

  private void forceAll(List<FileChannel> channels) throws IOException {
    if (forcers == null || channels.size() <= 1) {
      for (FileChannel channel : channels) {
        channel.force(false);
      }
      return;
    }
    List<Future<?>> pending = new ArrayList<>(channels.size());
    for (FileChannel channel : channels) {
      pending.add(forcers.submit(() -> {
        try {
          channel.force(false);
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
