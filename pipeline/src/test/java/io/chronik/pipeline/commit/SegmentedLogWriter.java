package io.chronik.pipeline.commit;

import io.chronik.raft.storage.Disk;
import io.chronik.raft.storage.GroupCommit;
import io.chronik.raft.storage.HardStateFile;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.SegmentedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link DurableWriter} over the raft module's durable storage: one {@link SegmentedLog} (and hard
 * state file) per group under {@code nodeDirectory/group-<id>}, and one {@link GroupCommit} pass per
 * {@link #sync()} over the groups appended to since the last sync (their dirty segment files forced
 * together).
 *
 * <p>Hard state: a change of term or vote is stored at once (the file is replaced atomically and
 * durably; it happens on elections only). A change of commit index alone is kept in memory and stored
 * with the next term/vote change or {@link #close()}: the persisted commit may lag, never lead, which
 * the raft storage contract allows, and it keeps the per-loop cost at the log fsyncs.
 */
public final class SegmentedLogWriter implements DurableWriter {
  /** Entry kind of an application (produce) entry. */
  public static final int KIND_NORMAL = 0;

  private final SegmentedLog[] logs;
  private final HardStateFile[] hardStateFiles;
  private final HardStateFile.Stored[] hardStates;
  private final boolean[] dirty;
  private final int[] dirtyGroups;
  private int dirtyCount;
  private final List<SegmentedLog> dirtyLogs = new ArrayList<>();
  private final GroupCommit groupCommit;
  private long syncPasses;

  private SegmentedLogWriter(SegmentedLog[] logs, HardStateFile[] hardStateFiles, HardStateFile.Stored[] hardStates,
      GroupCommit groupCommit) {
    this.logs = logs;
    this.hardStateFiles = hardStateFiles;
    this.hardStates = hardStates;
    this.dirty = new boolean[logs.length];
    this.dirtyGroups = new int[logs.length];
    this.groupCommit = groupCommit;
  }

  /**
   * Opens (recovering) the logs of groups {@code 0 .. groupsMax-1}.
   *
   * @param forceThreads concurrent fsyncs per pass (see {@link GroupCommit})
   */
  public static SegmentedLogWriter open(Disk disk, Path nodeDirectory, int groupsMax, LogConfig config,
      int forceThreads) throws IOException {
    SegmentedLog[] logs = new SegmentedLog[groupsMax];
    HardStateFile[] files = new HardStateFile[groupsMax];
    HardStateFile.Stored[] states = new HardStateFile.Stored[groupsMax];
    try {
      for (int g = 0; g < groupsMax; g++) {
        Path directory = nodeDirectory.resolve("group-" + g);
        Files.createDirectories(directory);
        files[g] = new HardStateFile(disk, directory);
        states[g] = files[g].load();
        logs[g] = SegmentedLog.open(disk, directory, config, states[g].commit(), false);
      }
    } catch (IOException | RuntimeException e) {
      for (SegmentedLog log : logs) {
        if (log != null) {
          log.close();
        }
      }
      throw e;
    }
    return new SegmentedLogWriter(logs, files, states, new GroupCommit(forceThreads));
  }

  @Override
  public void append(int groupId, long index, long term, ByteBuffer data) throws IOException {
    logs[groupId].append(index, term, LogEntry.NO_KEY, KIND_NORMAL, data);
    if (!dirty[groupId]) {
      dirty[groupId] = true;
      dirtyGroups[dirtyCount++] = groupId;
      dirtyLogs.add(logs[groupId]);
    }
  }

  @Override
  public void hardState(int groupId, long term, long vote, long commitIndex) throws IOException {
    HardStateFile.Stored last = hardStates[groupId];
    HardStateFile.Stored next = new HardStateFile.Stored(term, Math.toIntExact(vote), commitIndex);
    if (term != last.term() || next.vote() != last.vote()) {
      hardStateFiles[groupId].store(next);
    }
    hardStates[groupId] = next;
  }

  /** @return the number of sync passes so far (a monotonic durable marker) */
  @Override
  public long sync() throws IOException {
    groupCommit.syncAll(dirtyLogs);
    for (int i = 0; i < dirtyCount; i++) {
      dirty[dirtyGroups[i]] = false;
    }
    dirtyCount = 0;
    dirtyLogs.clear();
    return ++syncPasses;
  }

  /** Last index in the group's log (0 when empty): a commit stage continues after it. */
  public long lastIndex(int groupId) {
    return logs[groupId].lastIndex();
  }

  /** The group's log, for reads (fetch) on the thread that owns it. */
  public SegmentedLog log(int groupId) {
    return logs[groupId];
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (int g = 0; g < logs.length; g++) {
      try {
        hardStateFiles[g].store(hardStates[g]);
        logs[g].close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    groupCommit.close();
    if (failure != null) {
      throw failure;
    }
  }
}
