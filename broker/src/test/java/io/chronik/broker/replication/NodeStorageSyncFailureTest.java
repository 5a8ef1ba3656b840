package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.storage.DurableLogStorage;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.LogConfig;
import io.chronik.raft.storage.LogEntry;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's sync pass never swallows a failed fsync: neither one in the group-commit pass over the
 * partitions' segments nor one of the hard-state journal. The Raft driver turns the exception into a
 * storage failure and the node halts (RaftDriverTest, NodeFenceTest).
 */
class NodeStorageSyncFailureTest {
  @TempDir
  Path dir;

  private final ForceFailingDisk disk = new ForceFailingDisk();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    disk.failForces(null); // the device recovered: closing forces what is left
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private DurableLogStorage partition(HardStateJournal journal, String name) throws IOException {
    DurableLogStorage storage = DurableLogStorage.open(disk, dir.resolve(name), LogConfig.defaults(),
        e -> LogEntry.NO_KEY, false, journal.slot(name));
    opened.add(storage::close);
    return storage;
  }

  private NodeStorageSync sync(HardStateJournal journal) {
    NodeStorageSync sync = new NodeStorageSync(4, journal);
    opened.add(0, sync); // closed first: it closes the journal
    return sync;
  }

  private static List<Entry> entries(long from, int count) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(new Entry(from + i, 1, EntryType.NORMAL, new byte[] {(byte) i}));
    }
    return entries;
  }

  @Test
  void aFailedForceOfAPartitionSegmentInTheGroupCommitPassFailsTheSync() throws Exception {
    NodeStorageSync sync = sync(HardStateJournal.open(new NioDisk(), dir.resolve("journal")));
    DurableLogStorage a = partition(sync.journal(), "p1");
    DurableLogStorage b = partition(sync.journal(), "p2");
    a.append(entries(1, 3));
    b.append(entries(1, 3));
    sync.markDirty(a);
    sync.markDirty(b);
    sync.sync(); // the disk works: both durable
    assertThat(a.durableIndex()).isEqualTo(3);

    disk.failForces(".log");
    a.append(entries(4, 2));
    b.append(entries(4, 2));
    sync.markDirty(a);
    sync.markDirty(b);
    assertThatThrownBy(sync::sync).isInstanceOf(IOException.class).hasStackTraceContaining("Input/output error");
    assertThat(a.durableIndex()).as("nothing after the failed force counts as durable").isEqualTo(3);
  }

  @Test
  void aFailedForceOfTheHardStateJournalFailsTheSync() throws Exception {
    NodeStorageSync sync = sync(HardStateJournal.open(disk, dir.resolve("journal")));
    DurableLogStorage a = partition(sync.journal(), "p1");
    a.saveHardState(new HardState(2, 1, 0));
    sync.markDirty(a);
    sync.sync();

    disk.failForces("hardstate.journal");
    a.saveHardState(new HardState(3, 0, 0)); // a new term: its vote must be durable before any message leaves
    sync.markDirty(a);
    assertThatThrownBy(sync::sync).isInstanceOf(IOException.class).hasStackTraceContaining("Input/output error");
  }
}
