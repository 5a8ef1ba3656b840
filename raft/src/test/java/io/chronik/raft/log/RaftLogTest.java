package io.chronik.raft.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {

  private static Entry config(long index, long term) {
    return new Entry(index, term, EntryType.CONFIG, new byte[] {1});
  }

  private static Entry normal(long index, long term) {
    return Entry.normal(index, term, new byte[] {2});
  }

  @Test
  void configurationEntriesAreTrackedThroughAppendsOverwritesAndRestarts() {
    MemoryLogStorage disk = new MemoryLogStorage();
    RaftLog log = new RaftLog(disk);
    log.append(List.of(normal(1, 1), config(2, 1), normal(3, 1), config(4, 1)));
    assertThat(log.configIndexes(0, 4)).containsExactly(2L, 4L);
    assertThat(log.configIndexes(2, 4)).as("from is exclusive").containsExactly(4L);
    assertThat(log.configIndexes(4, 4)).isEmpty();

    // a new leader overwrites the uncommitted suffix from index 3: the change at 4 is gone, one at 5 arrives
    log.append(List.of(normal(3, 2), normal(4, 2), config(5, 2)));
    assertThat(log.configIndexes(0, 10)).containsExactly(2L, 5L);

    // what a restarted node finds in its storage, without any append of this process
    disk.append(log.unstableEntries());
    RaftLog restarted = new RaftLog(disk);
    assertThat(restarted.configIndexes(0, 10)).containsExactly(2L, 5L);

    // a snapshot from the leader replaces the log (it carries its configuration)
    restarted.restore(new SnapshotMeta(9, 3, io.chronik.raft.membership.Configuration.of(List.of(1))));
    assertThat(restarted.configIndexes(0, 20)).isEmpty();
  }
}
