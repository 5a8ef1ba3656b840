package io.chronik.broker.replication;

import io.chronik.broker.config.BrokerConfig;
import io.chronik.broker.config.BrokerSettings;
import io.chronik.broker.config.TopicConfigs;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import io.chronik.raft.storage.RecoveryReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens partition replicas' durable storage, many at once. Opening a stored log is I/O bound: recovery
 * lists the group's directory, scans its last segment and forces the segment and the directory (bytes a
 * crashed process left in the page cache become durable before they count as durable). One by one on the
 * driver thread, 4,096 partitions took 16–22 s at a full restart; forces of different files overlap well
 * on a journalling file system, so a small pool opens them in parallel while the driver thread waits.
 *
 * <p>The hard-state journal is only read while the driver thread waits for {@link #open}; nothing else
 * touches a storage until the driver thread takes it over.
 */
final class PartitionStores implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionStores.class);
  private final Path raftDir;
  private final LogConfig logConfig;
  private final BrokerConfig config;
  private final HardStateJournal journal;
  private final ExecutorService openers;
  private final CleanShutdownRecord shutdownRecord;

  PartitionStores(Path raftDir, LogConfig logConfig, BrokerConfig config, HardStateJournal journal, int openThreads,
      CleanShutdownRecord shutdownRecord) {
    if (openThreads < 1) {
      throw new IllegalArgumentException("openThreads=" + openThreads + " reason=must-be-positive");
    }
    this.raftDir = raftDir;
    this.logConfig = logConfig;
    this.config = config;
    this.journal = journal;
    this.shutdownRecord = shutdownRecord;
    AtomicInteger threads = new AtomicInteger();
    this.openers = Executors.newFixedThreadPool(openThreads, r -> {
      Thread t = new Thread(r, "chronik-storage-open-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the storage of each of {@code specs} (a replica of {@code topic} on this node), in parallel;
   * the futures are in the order of {@code specs}, each failing with the open's own error.
   */
  List<CompletableFuture<DurableLogStorage>> open(TopicSpec topic, List<TopicSpec.PartitionSpec> specs) {
    // a topic's segment.bytes above the broker's default needs room for it (it bounds one segment)
    long topicSegmentBytes = TopicConfigs.longValue(TopicConfigs.SEGMENT_BYTES, topic.configs(), config);
    LogConfig partitionLog = topicSegmentBytes > logConfig.segmentBytes()
        ? logConfig.withSegmentBytes((int) topicSegmentBytes) : logConfig;
    List<CompletableFuture<DurableLogStorage>> opening = new ArrayList<>(specs.size());
    for (TopicSpec.PartitionSpec p : specs) {
      String name = GroupDirs.partition(topic.name(), p);
      opening.add(CompletableFuture.supplyAsync(() -> {
        try {
          DurableLogStorage storage = DurableLogStorage.open(new NioDisk(), raftDir.resolve(name),
              shutdownRecord.openConfig(name, partitionLog),
              e -> BatchHeaders.isData(e) ? BatchHeaders.baseOffset(ByteBuffer.wrap(e.payload())) : LogEntry.NO_KEY,
              config.get(BrokerSettings.STORAGE_REPAIR_FROM_PEERS), journal.slot(name));
          reportRepair(name, storage);
          return storage.shipRetainedEntries(); // a partition's log is its data
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, openers));
    }
    return opening;
  }

  /**
   * Names a repair in the node's log: the damage recovery cut away, and the floor below which the group
   * neither votes nor campaigns until its leader refilled it (also after a restart during the refill).
   */
  static void reportRepair(String group, DurableLogStorage storage) {
    RecoveryReport report = storage.log().recoveryReport();
    if (report.repaired()) {
      LOG.warn("group={} reason={} segment={} offset={} droppedBytes={} droppedSegments={} action=repair-from-peers "
              + "lastIndex={} repairFloorIndex={}", group, report.reason(), report.segment(), report.offset(),
          report.droppedBytes(), report.droppedSegments(), storage.lastIndex(), storage.repairFloorIndex());
    } else if (storage.repairFloorIndex() > 0) {
      LOG.warn("group={} action=awaiting-refill lastIndex={} repairFloorIndex={}", group, storage.lastIndex(),
          storage.repairFloorIndex());
    }
  }

  @Override
  public void close() {
    openers.shutdownNow();
  }
}
