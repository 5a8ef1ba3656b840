package io.chronik.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.chronik.raft.storage.HardStateFile;
import io.chronik.raft.storage.HardStateJournal;
import io.chronik.raft.storage.NioDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directories an earlier incarnation of a group id left on disk (the node died while deleting them) go,
 * with their hard state, before a later incarnation of the id opens; nothing else is touched.
 */
class StaleGroupDirsTest {
  @TempDir
  Path raftDir;

  private void groupDir(String name) throws IOException {
    Files.createDirectories(raftDir.resolve(name));
    Files.writeString(raftDir.resolve(name).resolve("00000000000000000001.log"), "old records");
  }

  private List<String> dirs() throws IOException {
    try (Stream<Path> list = Files.list(raftDir)) {
      return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aLaterIncarnationSweepsTheEarlierOnesOfItsIdOnlyWithTheirHardState() throws IOException {
    for (String name : List.of("p5-old-0", "p5i1-older-2", "p50-other-0", "p5i3-newer-0", "p6-kept-0", "metadata")) {
      groupDir(name);
    }
    HardStateJournal journal = HardStateJournal.open(new NioDisk(), raftDir);
    journal.slot("p5-old-0").stage(new HardStateFile.Stored(5, 1, 3));
    journal.slot("p6-kept-0").stage(new HardStateFile.Stored(2, 0, 1));
    journal.sync();
    StaleGroupDirs stale = new StaleGroupDirs(raftDir, journal);

    stale.sweep(List.of(new TopicSpec.PartitionSpec(0, 5, 2, List.of(0)),
        new TopicSpec.PartitionSpec(1, 6, List.of(0))));

    assertThat(dirs()).containsExactly("metadata", "p50-other-0", "p5i3-newer-0", "p6-kept-0");
    assertThat(stale.swept()).isEqualTo(2);
    journal.sync();
    HardStateJournal reopened = HardStateJournal.open(new NioDisk(), raftDir);
    assertThat(reopened.slot("p5-old-0").load()).as("the deleted group's vote is gone")
        .isEqualTo(HardStateFile.Stored.EMPTY);
    assertThat(reopened.slot("p6-kept-0").load()).isEqualTo(new HardStateFile.Stored(2, 0, 1));
  }

  /** A directory listed at the first sweep and deleted since (its topic was deleted) is no stale one. */
  @Test
  void aDirectoryDeletedWithItsTopicAfterTheListingIsNotCountedAgain() throws IOException {
    groupDir("p7-gone-0");
    groupDir("p8-first-0");
    StaleGroupDirs stale = new StaleGroupDirs(raftDir, HardStateJournal.open(new NioDisk(), raftDir));
    stale.sweep(List.of(new TopicSpec.PartitionSpec(0, 8, 1, List.of(0)))); // lists the directory
    GroupDirs.delete(raftDir.resolve("p7-gone-0"));

    stale.sweep(List.of(new TopicSpec.PartitionSpec(0, 7, 1, List.of(0))));

    assertThat(stale.swept()).isEqualTo(1);
    assertThat(dirs()).isEmpty();
  }

  @Test
  void directoryNamesCarryTheIdAndIncarnation() {
    assertThat(GroupDirs.partition("t-1", 5, 0, 2)).isEqualTo("p5-t-1-2");
    assertThat(GroupDirs.partition("t-1", 5, 3, 2)).isEqualTo("p5i3-t-1-2");
    assertThat(GroupDirs.groupOf("p5i3-t-1-2")).containsExactly(5, 3);
    assertThat(GroupDirs.groupOf("p5-t-1-2")).containsExactly(5, 0);
    assertThat(GroupDirs.groupOf("metadata")).isNull();
    assertThat(GroupDirs.groupOf("pi-x-0")).isNull();
    assertThat(GroupDirs.groupOf("p-x-0")).isNull();
  }
}
