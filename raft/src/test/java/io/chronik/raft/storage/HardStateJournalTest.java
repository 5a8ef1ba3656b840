package io.chronik.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chronik.raft.log.Entry;
import io.chronik.raft.log.EntryType;
import io.chronik.raft.log.HardState;
import io.chronik.raft.storage.HardStateFile.Stored;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardStateJournalTest {
  static final Path DIR = Path.of("/node");
  static final Path FILE = DIR.resolve(HardStateJournal.FILE);

  @TempDir
  Path temp;

  @Test
  void theLastSyncedStateOfEachGroupComesBackAfterReopenOnARealDisk() throws IOException {
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), temp)) {
      journal.slot("metadata").stage(new Stored(1, 0, 0));
      journal.slot("p1-t-0").stage(new Stored(3, 2, 7));
      journal.slot("metadata").stage(new Stored(2, 1, 5));
      assertThat(journal.sync()).isTrue();
      assertThat(journal.sync()).as("nothing staged: no I/O").isFalse();
    }
    try (HardStateJournal journal = HardStateJournal.open(new NioDisk(), temp)) {
      assertThat(journal.slot("metadata").load()).isEqualTo(new Stored(2, 1, 5));
      assertThat(journal.slot("p1-t-0").load()).isEqualTo(new Stored(3, 2, 7));
      assertThat(journal.slot("p2-t-1").load()).isEqualTo(Stored.EMPTY);
      assertThat(journal.groups()).isEqualTo(2);
    }
  }

  @Test
  void aThousandGroupsChangingTermCostOneForce() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      long before = disk.forces();
      for (int g = 0; g < 1000; g++) {
        journal.slot("p" + g).stage(new Stored(g + 1, g % 3, 0));
      }
      journal.sync();
      assertThat(disk.forces() - before).isEqualTo(1);
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      for (int g = 0; g < 1000; g++) {
        assertThat(journal.slot("p" + g).load()).isEqualTo(new Stored(g + 1, g % 3, 0));
      }
    }
  }

  @Test
  void everySyncedStateSurvivesACrashWhateverHappensToUnsyncedWork() throws IOException {
    for (int seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      SimulatedDisk disk = new SimulatedDisk();
      int groups = 1 + random.nextInt(20);
      try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
        for (int round = 1; round <= 3; round++) {
          for (int g = 0; g < groups; g++) {
            journal.slot("g" + g).stage(new Stored(round, g, 0));
          }
          journal.sync();
        }
        journal.slot("g0").stage(new Stored(9, 9, 0)); // staged, never synced
      }
      disk.crash(CrashPolicy.random(random));
      try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
        for (int g = 0; g < groups; g++) {
          assertThat(journal.slot("g" + g).load()).as("seed=%d group=%d", seed, g).isEqualTo(new Stored(3, g, 0));
        }
      }
    }
  }

  @Test
  void unsyncedRecordsSurviveACrashOnlyAsAnOrderedPrefix() throws IOException {
    for (int seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      SimulatedDisk disk = new SimulatedDisk();
      int groups = 2 + random.nextInt(30);
      HardStateJournal journal = HardStateJournal.open(disk, DIR);
      for (int g = 0; g < groups; g++) {
        journal.slot("g" + g).stage(new Stored(1, 1, 0));
      }
      journal.sync();
      for (int g = 0; g < groups; g++) {
        journal.slot("g" + g).stage(new Stored(2, 2, 0));
      }
      // the write reaches the page cache, the crash comes before the force
      disk.cutPowerAfter(1);
      assertThatThrownBy(journal::sync).isInstanceOf(IOException.class);
      assertThat(disk.lastPendingWrite(FILE)).as("the write reached the page cache, the force did not").isNotNull();
      disk.crash(CrashPolicy.random(random));
      try (HardStateJournal reopened = HardStateJournal.open(disk, DIR)) {
        boolean seenOld = false;
        for (int g = 0; g < groups; g++) {
          long term = reopened.slot("g" + g).load().term();
          assertThat(term).as("seed=%d group=%d", seed, g).isIn(1L, 2L);
          if (term == 1) {
            seenOld = true;
          } else {
            assertThat(seenOld).as("seed=%d: group %d new after an older one was lost", seed, g).isFalse();
          }
        }
      }
    }
  }

  @Test
  void aDamagedRecordFollowedByMoreRecordsRefusesToOpen() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      journal.slot("a").stage(new Stored(1, 1, 0));
      journal.slot("b").stage(new Stored(1, 2, 0));
      journal.sync();
    }
    disk.corrupt(FILE, 10, 0x40);
    assertThatThrownBy(() -> HardStateJournal.open(disk, DIR))
        .isInstanceOf(CorruptLogException.class)
        .hasMessageContaining("reason=crc-mismatch");
  }

  @Test
  void aTornLastRecordIsCutAndTheJournalAppendsAfterIt() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      journal.slot("a").stage(new Stored(1, 1, 0));
      journal.sync();
      journal.slot("b").stage(new Stored(4, 2, 0));
      journal.sync();
    }
    disk.corrupt(FILE, disk.size(FILE) - 2, 0x01);
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      assertThat(journal.slot("a").load()).isEqualTo(new Stored(1, 1, 0));
      assertThat(journal.slot("b").load()).isEqualTo(Stored.EMPTY);
      journal.slot("c").stage(new Stored(5, 1, 0));
      journal.sync();
    }
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      assertThat(journal.slot("c").load()).isEqualTo(new Stored(5, 1, 0));
    }
  }

  @Test
  void aForgottenGroupStaysForgottenAndCompactionKeepsOnlyLiveStates() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      for (int term = 1; term <= 40_000; term++) {
        journal.slot("g" + term % 4).stage(new Stored(term, term % 3, 0));
        if (term % 100 == 0) {
          journal.sync();
        }
      }
      journal.forget("g0");
      journal.sync();
      assertThat(journal.compactions()).isPositive();
      assertThat(disk.size(FILE)).isLessThan(journal.compactionBytes());
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR)) {
      assertThat(journal.groups()).isEqualTo(3);
      assertThat(journal.slot("g0").load()).isEqualTo(Stored.EMPTY);
      assertThat(journal.slot("g3").load()).isEqualTo(new Stored(39_999, 39_999 % 3, 0));
    }
  }

  @Test
  void aGroupWrittenBeforeTheJournalOpensWithItsOwnHardStateFile() throws IOException {
    SimulatedDisk disk = new SimulatedDisk();
    Path group = DIR.resolve("p1");
    LogConfig config = new LogConfig(4096, 128, 512, false);
    try (DurableLogStorage legacy = DurableLogStorage.open(disk, group, config, e -> LogEntry.NO_KEY, false)) {
      legacy.append(List.of(new Entry(1, 7, EntryType.NORMAL, new byte[] {1})));
      legacy.saveHardState(new HardState(7, 2, 1));
      legacy.sync();
    }
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR);
        DurableLogStorage storage = DurableLogStorage.open(disk, group, config, e -> LogEntry.NO_KEY, false,
            journal.slot("p1"))) {
      assertThat(storage.hardState().term()).isEqualTo(7);
      assertThat(storage.hardState().vote()).isEqualTo(2);
      storage.saveHardState(new HardState(8, 3, 1));
      storage.sync();
    }
    disk.crash(CrashPolicy.loseAllUnsynced());
    try (HardStateJournal journal = HardStateJournal.open(disk, DIR);
        DurableLogStorage storage = DurableLogStorage.open(disk, group, config, e -> LogEntry.NO_KEY, false,
            journal.slot("p1"))) {
      assertThat(storage.hardState().term()).as("the journal's newer state wins").isEqualTo(8);
    }
  }
}
