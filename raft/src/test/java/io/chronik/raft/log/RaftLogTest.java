package io.chronik.raft.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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

  /** {@code storage}, counting the entries its {@code entries} calls returned. */
  private static LogStorage counted(LogStorage storage, AtomicLong entriesRead) {
    return (LogStorage) Proxy.newProxyInstance(LogStorage.class.getClassLoader(), new Class<?>[] {LogStorage.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(storage, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("entries")) {
            entriesRead.addAndGet(((List<?>) result).size());
          }
          return result;
        });
  }

  private static List<Entry> normals(long from, long to, long term) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(normal(i, term));
    }
    return out;
  }

  /** What the driver does with a Ready's entries: persists them, then tells the log they are durable. */
  private static void persist(RaftLog log, MemoryLogStorage disk) {
    List<Entry> unstable = log.unstableEntries();
    disk.append(unstable);
    Entry last = unstable.get(unstable.size() - 1);
    log.stableTo(last.index(), last.term());
  }

  @Test
  void committedEntriesThisNodeMadeDurableAreAppliedFromMemoryNotReadBack() {
    MemoryLogStorage disk = new MemoryLogStorage();
    AtomicLong read = new AtomicLong();
    RaftLog log = new RaftLog(counted(disk, read));
    List<Entry> appended = normals(1, 5, 1);
    log.append(appended);
    persist(log, disk);
    log.commitTo(5);
    List<Entry> committed = log.nextCommitted(0, Long.MAX_VALUE);
    assertThat(committed).containsExactlyElementsOf(appended);
    assertThat(read.get()).as("entries read back from storage").isZero();
    log.appliedTo(5);

    log.append(normals(6, 8, 1));
    persist(log, disk);
    log.commitTo(8);
    assertThat(log.nextCommitted(5, Long.MAX_VALUE)).extracting(Entry::index).containsExactly(6L, 7L, 8L);
    assertThat(read.get()).isZero();
  }

  @Test
  void aConflictingAppendReplacesHeldEntriesSoTheApplySeesTheNewLeadersEntries() {
    MemoryLogStorage disk = new MemoryLogStorage();
    RaftLog log = new RaftLog(disk);
    log.append(normals(1, 5, 1));
    persist(log, disk);
    log.commitTo(2);
    log.append(normals(3, 4, 2)); // a new leader's entries from index 3 on
    persist(log, disk);
    log.commitTo(4);
    assertThat(log.nextCommitted(0, Long.MAX_VALUE)).extracting(Entry::index, Entry::term)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1L), org.assertj.core.groups.Tuple.tuple(2L, 1L),
            org.assertj.core.groups.Tuple.tuple(3L, 2L), org.assertj.core.groups.Tuple.tuple(4L, 2L));
    assertThat(log.lastIndex()).isEqualTo(4);
  }

  @Test
  void overItsBoundTheOldestHeldEntriesAreReadFromStorageAndZeroReadsEveryOne() {
    long entryBytes = normal(1, 1).sizeBytes();
    for (long max : new long[] {3 * entryBytes, 0}) {
      MemoryLogStorage disk = new MemoryLogStorage();
      AtomicLong read = new AtomicLong();
      RaftLog log = new RaftLog(counted(disk, read), max);
      List<Entry> appended = normals(1, 10, 1);
      log.append(appended);
      persist(log, disk);
      log.commitTo(10);
      assertThat(log.nextCommitted(0, Long.MAX_VALUE)).as("heldBytesMax=%d", max).containsExactlyElementsOf(appended);
      assertThat(read.get()).as("entries read back, heldBytesMax=%d", max).isEqualTo(max == 0 ? 10 : 7);
    }
  }

  @Test
  void aSnapshotFromTheLeaderReplacesWhatWasHeldSoTheApplySeesOnlyTheNewLog() {
    MemoryLogStorage disk = new MemoryLogStorage();
    RaftLog log = new RaftLog(disk);
    log.append(normals(1, 5, 1)); // durable, never committed here: a stale leader's entries
    persist(log, disk);
    SnapshotMeta snapshot = new SnapshotMeta(3, 3, io.chronik.raft.membership.Configuration.of(List.of(1)));
    log.restore(snapshot);
    disk.installSnapshot(snapshot, new byte[0]); // what the driver's install does
    log.stableSnapshotTo(3);
    log.append(normals(4, 6, 3));
    persist(log, disk);
    log.commitTo(6);
    assertThat(log.nextCommitted(3, Long.MAX_VALUE)).extracting(Entry::index, Entry::term).containsExactly(
        org.assertj.core.groups.Tuple.tuple(4L, 3L), org.assertj.core.groups.Tuple.tuple(5L, 3L),
        org.assertj.core.groups.Tuple.tuple(6L, 3L));
  }
}
