package io.chronik.broker.replication;

import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention and key compaction of every partition this node hosts, on the driver thread at their intervals; the
 * compaction jobs themselves (reads and rewrites of closed segments) run on one cleaner thread for the node.
 */
final class HostedMaintenance {
  private static final Logger log = LoggerFactory.getLogger(HostedMaintenance.class);
  private final Supplier<Collection<PartitionGroup>> hosted;
  private final ExecutorService cleaner = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "chronik-log-cleaner");
    t.setDaemon(true);
    return t;
  });

  /** @param hosted the partition groups this node hosts (read on the driver thread) */
  HostedMaintenance(Supplier<Collection<PartitionGroup>> hosted) {
    this.hosted = hosted;
  }

  /** Driver thread, every log.cleaner.backoff.ms: key compaction of every hosted partition. */
  void checkCompaction(long nowMs) {
    int proposed = 0;
    for (PartitionGroup group : hosted.get()) {
      try {
        if (group.checkCompaction(nowMs, cleaner)) {
          proposed++;
        }
      } catch (UncheckedIOException e) {
        log.warn("partition={} reason=compaction-failed", group.partition(), e);
      }
    }
    if (proposed > 0) {
      log.debug("compaction=check cleaningMarkersProposed={}", proposed);
    }
  }

  /** Driver thread, every log.retention.check.interval.ms: retention of every hosted partition. */
  void checkRetention(long nowMs) {
    int proposed = 0;
    for (PartitionGroup group : hosted.get()) {
      if (group.checkRetention(nowMs)) {
        proposed++;
      }
    }
    if (proposed > 0) {
      log.debug("retention=check logStartMarkersProposed={}", proposed);
    }
  }

  /** After every group closed (each cancelled and awaited its compaction job): the cleaner thread ends. */
  void close() {
    cleaner.shutdownNow();
  }
}
