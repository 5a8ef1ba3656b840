package io.chronik.broker.replication;

import io.chronik.raft.storage.CleanShutdown;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's clean-shutdown record ({@link CleanShutdown}, the file {@code raft/clean-shutdown}): taken
 * at start, before any log opens, and written by a stop in which the driver ended without a storage
 * failure, every group opened, and every log was forced whole and closed with its summary at close
 * ({@code DurableLogStorage.closeClean}). A log listed in it opens without the two forces recovery otherwise
 * makes (at a restart with 4,096 partitions most of the open's time) and without reading its segments.
 * After a kill, a crash or a failed stop there is none, and every log is forced as before.
 *
 * <p>A tool that changes a stopped node's logs must delete {@code raft/clean-shutdown} first.
 */
final class CleanShutdownRecord {
  private static final Logger log = LoggerFactory.getLogger(CleanShutdownRecord.class);

  private final Path raftDir;
  /** Directory names still trusted: each only at its first open in this process (any thread). */
  private final Set<String> trusted;

  private CleanShutdownRecord(Path raftDir, Set<String> trusted) {
    this.raftDir = raftDir;
    this.trusted = trusted;
  }

  /** Reads and durably deletes the record under {@code raftDir}. */
  static CleanShutdownRecord take(Path raftDir) throws IOException {
    Set<String> trusted = ConcurrentHashMap.newKeySet();
    trusted.addAll(CleanShutdown.take(new NioDisk(), raftDir));
    log.info("raftDir={} cleanShutdown={} logsForcedAtStop={}", raftDir, !trusted.isEmpty(), trusted.size());
    return new CleanShutdownRecord(raftDir, trusted);
  }

  /** The config to open group directory {@code name}'s log with. */
  LogConfig openConfig(String name, LogConfig config) {
    return config.withCleanShutdown(trusted.remove(name));
  }

  /** Records that the logs of {@code names} were forced whole and nothing writes them until the next start. */
  void record(List<String> names) {
    try {
      CleanShutdown.record(new NioDisk(), raftDir, names);
      log.info("raftDir={} cleanShutdown=recorded logs={}", raftDir, names.size());
    } catch (IOException e) {
      // without the record the next start forces every log: slower, never unsafe
      log.warn("raftDir={} reason=clean-shutdown-record-failed error={}", raftDir, e.toString());
    }
  }
}
